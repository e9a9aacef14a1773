using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Governance;

namespace RedBook.FunctionalTests.ServiceDefaults;

public class GovernanceTests
{
    private static readonly Dictionary<string, string?> s_secrets = new()
    {
        ["Mall:Payment:ApiToken"] = "tok-123",
        ["ConnectionStrings:mall"] = "Host=db;Username=mall;Password=hunter2",
        ["Feed:PageSize"] = "20",
    };

    [Fact]
    public async Task Governance_WithManagementPort_ServedOnlyThere()
    {
        var port = Net.FreePort();
        var settings = new Dictionary<string, string?>(s_secrets)
        {
            ["RedBook:Management:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RedBook:Management:Host"] = "127.0.0.1",
        };
        await using var app = await KestrelApp.StartAsync(a => a.MapGet("/hello", () => "hi"), settings: settings);
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var publicBuildInfo = await app.Client.GetAsync(new Uri("/_redbook/buildinfo", UriKind.Relative));
        using var publicConfig = await app.Client.GetAsync(new Uri("/_redbook/config", UriKind.Relative));
        var buildInfo = JsonDocument.Parse(await management.GetStringAsync(new Uri("/_redbook/buildinfo", UriKind.Relative))).RootElement;
        var config = JsonDocument.Parse(await management.GetStringAsync(new Uri("/_redbook/config", UriKind.Relative))).RootElement;
        var routes = await management.GetStringAsync(new Uri("/_redbook/routes", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, publicBuildInfo.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, publicConfig.StatusCode);
        Assert.False(string.IsNullOrEmpty(buildInfo.GetProperty("version").GetString()));
        Assert.Equal(SecretRedactor.Redacted, config.GetProperty("Mall:Payment:ApiToken").GetString());
        Assert.Equal("Host=db;Username=mall;Password=***", config.GetProperty("ConnectionStrings:mall").GetString());
        Assert.Equal("20", config.GetProperty("Feed:PageSize").GetString());
        Assert.Contains("\"/hello\"", routes, StringComparison.Ordinal);
        Assert.Equal("hi", await app.Client.GetStringAsync(new Uri("/hello", UriKind.Relative)));
    }

    [Fact]
    public async Task Governance_WithoutManagementPort_ServedToLoopback()
    {
        var name = "REDBOOK_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "s3cr3t");
        try
        {
            await using var app = await KestrelApp.StartAsync(a => a.MapGet("/hello", () => "hi"));

            var env = JsonDocument.Parse(await app.Client.GetStringAsync(new Uri("/_redbook/env", UriKind.Relative))).RootElement;
            using var routes = await app.Client.GetAsync(new Uri("/_redbook/routes", UriKind.Relative));

            Assert.Equal(SecretRedactor.Redacted, env.GetProperty(name).GetString());
            Assert.Equal(HttpStatusCode.OK, routes.StatusCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Governance_WithoutManagementPort_NonLoopbackCallerGets404()
    {
        // Only loopback networking exists here, so a startup filter registered before the service defaults (hence
        // outermost) makes the connection look as if it came from a public address.
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/hello", () => "hi"),
            b => b.Services.AddSingleton<IStartupFilter, RemoteAddressFilter>());

        using var governance = await app.Client.GetAsync(new Uri("/_redbook/config", UriKind.Relative));
        using var hello = await app.Client.GetAsync(new Uri("/hello", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, governance.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
    }

    [Fact]
    public void BuildInfo_OfThisAssembly_CarriesTheStampedFacts()
    {
        var info = BuildInfo.FromAssembly(typeof(GovernanceTests).Assembly);

        Assert.True(DateTimeOffset.TryParse(info.BuildTime, System.Globalization.CultureInfo.InvariantCulture, out _), info.BuildTime);
        Assert.True(info.Commit == BuildInfo.Unknown || info.Commit.All(Uri.IsHexDigit), info.Commit);
        Assert.Equal("0.1.0", info.Version);
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextDelegate) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
                return nextDelegate(context);
            });
            next(app);
        };
    }
}
