using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace RedBook.Bff.Tests.Support;

/// <summary>A service's real Program on real Kestrel (loopback), with the given settings.</summary>
public sealed class ServiceHost<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public ServiceHost(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        // Addresses by URL, not by a listener in code: a listener in code would make Kestrel drop the URLs, and the
        // service defaults add the h2c gRPC endpoint of RedBook:Grpc:Port as a URL.
        UseKestrel();
    }

    /// <summary>The HTTP address, once started.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Starts the host and returns its HTTP address.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First(a => !a.Contains(":" + (_settings.TryGetValue("RedBook:Grpc:Port", out var grpc) ? grpc : "none"), StringComparison.Ordinal)));
        return Address;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        // The mall's development catalogue (appsettings.Development.json) stays out of the tests' stores, and the feed's
        // hot ranking stays empty: its job (tested in the application's tests) would otherwise fill it a few seconds
        // after start, and the home screen's source would depend on when a test runs.
        builder.UseSetting("RedBook:Jobs:catalog-seed:Enabled", "false");
        builder.UseSetting("RedBook:Jobs:hot-notes:Enabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
