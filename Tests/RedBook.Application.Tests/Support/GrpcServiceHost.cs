using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace RedBook.Application.Tests.Support;

/// <summary>
/// A service's real Program (its Program.cs, service defaults and all) in-process on ASP.NET Core's test server, with
/// a SQLite database in a temporary file; clients are the real Grpc.Net.Client over the test server's HTTP/2 handler.
/// </summary>
public sealed class GrpcServiceHost<TProgram>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly TempSqliteFile _database = new();

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RedBook:Storage:Sqlite:Path", _database.Path);
        // The shared machine is slow at times: a generous default deadline.
        builder.UseSetting("RedBook:Server:DefaultTimeout", "00:00:30");
        // The mall's development catalogue (appsettings.Development.json) stays out of the tests' stores.
        builder.UseSetting("RedBook:Jobs:catalog-seed:Enabled", "false");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _database.Dispose();
        }
    }
}

/// <summary>Assertions on the error model as a gRPC client sees it.</summary>
public static class GrpcAssert
{
    /// <summary>Runs <paramref name="call"/>, asserts it fails with <paramref name="code"/> and <paramref name="reason"/>, and returns the status details.</summary>
    public static async Task<Google.Rpc.Status> FailsAsync(StatusCode code, string reason, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, exception.StatusCode);
        var status = exception.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal(reason, status.GetDetail<ErrorInfo>()?.Reason);
        return status;
    }

    /// <summary>Asserts INVALID_ARGUMENT with <paramref name="reason"/> and exactly these field violations, in order.</summary>
    public static async Task InvalidAsync(string reason, Func<Task> call, params string[] fields)
    {
        var status = await FailsAsync(StatusCode.InvalidArgument, reason, call);
        var badRequest = status.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(fields, badRequest.FieldViolations.Select(v => v.Field));
        Assert.All(badRequest.FieldViolations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
    }
}
