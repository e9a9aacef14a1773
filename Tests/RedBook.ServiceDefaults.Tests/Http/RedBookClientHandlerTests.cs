using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Http;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.ServiceDefaults.Tests.Http;

public class RedBookClientHandlerTests
{
    /// <summary>Stands in for the network: records what would have been sent and answers 200.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(Uri Uri, Dictionary<string, string> Headers)> Sent { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Sent)
            {
                Sent.Add((request.RequestUri!, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
        }
    }

    private static (ServiceProvider Provider, RecordingHandler Network) Build(Dictionary<string, string?> values)
    {
        var network = new RecordingHandler();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.ConfigureHttpClientDefaults(b => b.AddRedBookPipeline());
        services.AddHttpClient("feed").ConfigurePrimaryHttpMessageHandler(() => network).AddRedBookPipeline();
        return (services.BuildServiceProvider(), network);
    }

    private static Dictionary<string, string?> TwoReplicas() => new()
    {
        ["services:feed:http:0"] = "http://10.0.0.1:8080",
        ["services:feed:http:1"] = "http://10.0.0.2:8080",
        ["RedBook:Clients:feed:Deadline:DefaultTimeout"] = "00:00:05",
        ["OTEL_SERVICE_NAME"] = "bff",
    };

    [Fact]
    public async Task SendAsync_LogicalName_RewritesToTheReplicasAndRestoresTheUri()
    {
        var (sp, network) = Build(TwoReplicas());
        using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync(new Uri("http://feed/notes/7?x=1"));
            Assert.Equal(new Uri("http://feed/notes/7?x=1"), response.RequestMessage!.RequestUri);
        }

        Assert.Equal(4, network.Sent.Count);
        Assert.All(network.Sent, s => Assert.Equal("/notes/7?x=1", s.Uri.PathAndQuery));
        Assert.Equal(["10.0.0.1", "10.0.0.2"], network.Sent.Select(s => s.Uri.Host).Distinct().Order());
    }

    [Fact]
    public async Task SendAsync_UnknownService_ThrowsUnavailableUnknownService()
    {
        var (sp, network) = Build(TwoReplicas());
        using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.GetAsync(new Uri("http://mall/products")));

        Assert.Equal(ErrorCode.Unavailable, ex.Error.Code);
        Assert.Equal(WellKnownReasons.UnknownService, ex.Error.Reason);
        Assert.Contains("'mall'", ex.Error.Message, StringComparison.Ordinal);
        Assert.Empty(network.Sent);
    }

    [Fact]
    public async Task SendAsync_ConcreteHost_PassesThroughUnresolved()
    {
        var (sp, network) = Build(TwoReplicas());
        using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://127.0.0.1:9/x"));

        Assert.Equal(new Uri("http://127.0.0.1:9/x"), Assert.Single(network.Sent).Uri);
    }

    [Fact]
    public async Task SendAsync_AmbientMetadataAndDeadline_ArePropagated()
    {
        var (sp, network) = Build(TwoReplicas());
        using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");
        var metadata = new RequestMetadata(new Dictionary<string, string> { [RedBookHeaders.Color] = "stress", [RedBookHeaders.UserId] = "42", ["x-md-global-tenant"] = "t1" }, callerApp: "gateway");

        using (RequestMetadata.Use(metadata))
        using (RequestDeadline.Begin(TimeSpan.FromSeconds(2), TimeProvider.System))
        {
            using var response = await client.GetAsync(new Uri("http://feed/notes"));
        }

        var headers = Assert.Single(network.Sent).Headers;
        Assert.Equal("stress", headers[RedBookHeaders.Color]);
        Assert.Equal("42", headers[RedBookHeaders.UserId]);
        Assert.Equal("t1", headers["x-md-global-tenant"]);
        Assert.Equal("bff", headers[RedBookHeaders.CallerApp]);
        var budget = GrpcTimeout.Parse(headers[RedBookHeaders.GrpcTimeout]);
        Assert.InRange(budget, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1995));
    }

    [Fact]
    public async Task SendAsync_NoAmbientDeadline_SendsTheClientDefaultTimeout()
    {
        var (sp, network) = Build(TwoReplicas());
        using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://feed/notes"));

        var budget = GrpcTimeout.Parse(Assert.Single(network.Sent).Headers[RedBookHeaders.GrpcTimeout]);
        Assert.InRange(budget, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SendAsync_MetadataAndDeadlineSwitchedOffForTheClient_SendsNeither()
    {
        var values = TwoReplicas();
        values["RedBook:Clients:feed:Metadata:Enabled"] = "false";
        values["RedBook:Clients:feed:Deadline:Enabled"] = "false";
        var (sp, network) = Build(values);
        using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using (RequestMetadata.Use(new RequestMetadata(new Dictionary<string, string> { [RedBookHeaders.Color] = "stress" }, null)))
        {
            using var response = await client.GetAsync(new Uri("http://feed/notes"));
        }

        var headers = Assert.Single(network.Sent).Headers;
        Assert.False(headers.ContainsKey(RedBookHeaders.Color));
        Assert.False(headers.ContainsKey(RedBookHeaders.CallerApp));
        Assert.False(headers.ContainsKey(RedBookHeaders.GrpcTimeout));
    }

    [Fact]
    public async Task SendAsync_HandlerAddedTwice_RunsOnce()
    {
        var (sp, network) = Build(TwoReplicas());
        using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://feed/notes"));

        Assert.Single(network.Sent);
        Assert.Single(network.Sent[0].Headers[RedBookHeaders.CallerApp].Split(','));
    }

    [Theory]
    [InlineData("http://feed/a/b?q=1", "http://10.0.0.1:8080", "http://10.0.0.1:8080/a/b?q=1")]
    [InlineData("https+http://feed/a", "https://10.0.0.1:8443", "https://10.0.0.1:8443/a")]
    [InlineData("http://feed/a", "http://10.0.0.1:8080/base/", "http://10.0.0.1:8080/base/a")]
    public void Rewrite_KeepsPathAndQuery(string original, string endpoint, string expected)
    {
        Assert.Equal(new Uri(expected), RedBookClientHandler.Rewrite(new Uri(original), new Uri(endpoint)));
    }
}
