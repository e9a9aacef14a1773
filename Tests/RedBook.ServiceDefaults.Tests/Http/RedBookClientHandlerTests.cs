using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Http;
using RedBook.ServiceDefaults.LoadBalancing;
using RedBook.ServiceDefaults.Metadata;
using RedBook.ServiceDefaults.Tests.Testing;

namespace RedBook.ServiceDefaults.Tests.Http;

public class RedBookClientHandlerTests
{
    /// <summary>Stands in for the network: records what would have been sent and answers 200.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(Uri Uri, Dictionary<string, string> Headers)> Sent { get; } = [];

        /// <summary>Answers attempt n (0-based); 200 by default.</summary>
        public Func<int, HttpRequestMessage, HttpResponseMessage> Respond { get; set; } = (_, request) => new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int n;
            lock (Sent)
            {
                n = Sent.Count;
                Sent.Add((request.RequestUri!, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)));
            }

            return Task.FromResult(Respond(n, request));
        }
    }

    /// <summary>Stands in for a registry (etcd) that knows instance colours: an endpoint provider of service discovery.</summary>
    private sealed class ColouredRegistry : IServiceEndpointProviderFactory
    {
        public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
        {
            ServiceEndpoint[] endpoints = query.ServiceName switch
            {
                "feed" => [TestEndpoints.Create("http://10.0.0.1:80", "feed-1"), TestEndpoints.Create("http://10.0.0.9:80", "feed-9", color: "stress")],
                "canary" => [TestEndpoints.Create("http://10.0.1.1:80", "canary-1", color: "canary")],
                _ => [],
            };
            provider = endpoints.Length > 0 ? new Provider(endpoints) : null;
            return provider is not null;
        }

        private sealed class Provider(ServiceEndpoint[] endpoints) : IServiceEndpointProvider
        {
            public ValueTask PopulateAsync(IServiceEndpointBuilder builder, CancellationToken cancellationToken)
            {
                foreach (var endpoint in endpoints)
                {
                    builder.Endpoints.Add(endpoint);
                }

                return default;
            }

            public ValueTask DisposeAsync() => default;
        }
    }

    private static (ServiceProvider Provider, RecordingHandler Network) Build(Dictionary<string, string?> values, IServiceEndpointProviderFactory? registry = null)
    {
        var network = new RecordingHandler();
        var services = new ServiceCollection();
        if (registry is not null)
        {
            services.AddSingleton(registry);
        }

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
        ["RedBook:Clients:feed:LoadBalancing:Policy"] = "RoundRobin", // deterministic alternation; P2C is covered by the load proof
        ["OTEL_SERVICE_NAME"] = "bff",
    };

    [Fact]
    public async Task SendAsync_LogicalName_RewritesToTheReplicasAndRestoresTheUri()
    {
        var (sp, network) = Build(TwoReplicas());
        await using var _ = sp;
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
        await using var _ = sp;
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
        await using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://127.0.0.1:9/x"));

        Assert.Equal(new Uri("http://127.0.0.1:9/x"), Assert.Single(network.Sent).Uri);
    }

    [Fact]
    public async Task SendAsync_AmbientMetadataAndDeadline_ArePropagated()
    {
        var (sp, network) = Build(TwoReplicas());
        await using var _ = sp;
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

    [Theory]
    [InlineData("1193H")]
    [InlineData("1194H")]
    [InlineData("99999999H")]
    public async Task SendAsync_AmbientDeadlineLongerThanATimerHolds_SendsAndPropagatesTheLongestATimerHolds(string incoming)
    {
        var (sp, network) = Build(TwoReplicas());
        await using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");
        var limit = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

        using (RequestDeadline.Begin(GrpcTimeout.Parse(incoming), TimeProvider.System))
        {
            using var response = await client.GetAsync(new Uri("http://feed/notes"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var sent = GrpcTimeout.Parse(Assert.Single(network.Sent).Headers[RedBookHeaders.GrpcTimeout]);
        var expected = GrpcTimeout.Parse(incoming) < limit ? GrpcTimeout.Parse(incoming) : limit;
        Assert.InRange(sent, expected - TimeSpan.FromMinutes(1), expected);
    }

    [Fact]
    public async Task SendAsync_NoAmbientDeadline_SendsTheClientDefaultTimeout()
    {
        var (sp, network) = Build(TwoReplicas());
        await using var _ = sp;
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
        await using var _ = sp;
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
        await using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://feed/notes"));

        Assert.Single(network.Sent);
        Assert.Single(network.Sent[0].Headers[RedBookHeaders.CallerApp].Split(','));
    }

    private static HttpResponseMessage Unavailable(string reason = "FEED_DOWN")
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation(RedBookHeaders.ErrorReason, reason);
        return response;
    }

    private static Dictionary<string, string?> FastRetries()
    {
        var values = TwoReplicas();
        values["RedBook:Clients:feed:Retry:BaseDelay"] = "00:00:00";
        values["RedBook:Clients:feed:Retry:MaxDelay"] = "00:00:00";
        return values;
    }

    [Fact]
    public async Task SendAsync_IdempotentGetFailsOnce_RetriesOnTheOtherReplica()
    {
        var (sp, network) = Build(FastRetries());
        await using var _ = sp;
        network.Respond = (n, request) => n == 0 ? Unavailable() : new HttpResponseMessage(HttpStatusCode.OK);
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://feed/notes"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, network.Sent.Count);
        Assert.NotEqual(network.Sent[0].Uri.Host, network.Sent[1].Uri.Host);
    }

    [Fact]
    public async Task SendAsync_UnnamedClient_RunsThePipelineUnderTheDefaultName()
    {
        // CreateClient() asks for the client named "" (Options.DefaultName): its retry budget and breaker need a name.
        var network = new RecordingHandler { Respond = (n, request) => n == 0 ? Unavailable() : new HttpResponseMessage(HttpStatusCode.OK) };
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:feed:http:0"] = "http://10.0.0.1:8080",
            ["RedBook:Clients:Defaults:Retry:BaseDelay"] = "00:00:00",
            ["RedBook:Clients:Defaults:Retry:MaxDelay"] = "00:00:00",
        }).Build());
        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => network).AddRedBookPipeline());
        await using var sp = services.BuildServiceProvider();
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await client.GetAsync(new Uri("http://feed/notes"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, network.Sent.Count); // the failed first attempt was retried from the unnamed client's budget
        Assert.All(network.Sent, s => Assert.Equal("10.0.0.1", s.Uri.Host));
        Assert.Equal("default", sp.GetRequiredService<RedBookClientPipelines>().Get(string.Empty).Name);
    }

    [Fact]
    public async Task SendAsync_PostWithoutIdempotencyKey_IsNotRetried()
    {
        var (sp, network) = Build(FastRetries());
        await using var _ = sp;
        network.Respond = (_, _) => Unavailable();
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.PostAsync(new Uri("http://feed/notes"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(network.Sent);
    }

    [Fact]
    public async Task SendAsync_PostWithIdempotencyKey_IsRetried()
    {
        var (sp, network) = Build(FastRetries());
        await using var _ = sp;
        network.Respond = (n, _) => n == 0 ? Unavailable() : new HttpResponseMessage(HttpStatusCode.Created);
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("http://feed/orders")) { Content = new StringContent("{}") };
        request.Headers.Add("Idempotency-Key", "order-42");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, network.Sent.Count);
    }

    [Fact]
    public async Task SendAsync_Overloaded_IsNeverRetriedAndReachesTheCaller()
    {
        var (sp, network) = Build(FastRetries());
        await using var _ = sp;
        network.Respond = (_, _) => Unavailable(WellKnownReasons.Overloaded);
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://feed/notes"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(WellKnownReasons.Overloaded, response.Headers.GetValues(RedBookHeaders.ErrorReason).Single());
        Assert.Single(network.Sent);
    }

    [Fact]
    public async Task SendAsync_RetrySwitchedOffForTheClient_SendsOnce()
    {
        var values = FastRetries();
        values["RedBook:Clients:feed:Retry:Enabled"] = "false";
        var (sp, network) = Build(values);
        await using var _ = sp;
        network.Respond = (_, _) => Unavailable();
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        using var response = await client.GetAsync(new Uri("http://feed/notes"));

        Assert.Single(network.Sent);
    }

    [Fact]
    public async Task SendAsync_EndpointKeepsFailing_BreakerRejectsLocallyPerEndpoint()
    {
        var values = TwoReplicas();
        values["RedBook:Clients:feed:Retry:Enabled"] = "false";
        values["RedBook:Clients:feed:Breaker:MinimumRequests"] = "5";
        var (sp, network) = Build(values);
        await using var _ = sp;
        network.Respond = (_, request) => request.RequestUri!.Host == "10.0.0.1" ? Unavailable() : new HttpResponseMessage(HttpStatusCode.OK);
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");
        var rejected = 0;

        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("http://feed/notes"));
            }
            catch (RedBookException e) when (e.Error.Reason == WellKnownReasons.BreakerOpen)
            {
                rejected++;
            }
        }

        var toBad = network.Sent.Count(s => s.Uri.Host == "10.0.0.1");
        var toGood = network.Sent.Count(s => s.Uri.Host == "10.0.0.2");
        Assert.Equal(100, toGood);
        Assert.True(rejected > 50, $"rejected {rejected}");
        Assert.Equal(100, toBad + rejected);
    }

    [Fact]
    public async Task SendAsync_Calls_RecordClientRedMetricsWithMethodPeerAndCode()
    {
        var (sp, network) = Build(FastRetries());
        await using var _ = sp;
        network.Respond = (n, _) => n == 0 ? new HttpResponseMessage(HttpStatusCode.OK) : new HttpResponseMessage(HttpStatusCode.NotFound);
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");
        var seen = new List<(string Name, string Method, string Peer, string Code)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedBook.ServiceDefaults.Telemetry.RedBookDiagnostics.Name && instrument.Name.StartsWith("redbook.client.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Capture(instrument.Name, tags));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Capture(instrument.Name, tags));
        listener.Start();

        using (await client.GetAsync(new Uri("http://feed/notes/1")))
        {
        }

        using (await client.DeleteAsync(new Uri("http://feed/notes/2")))
        {
        }

        lock (seen)
        {
            Assert.Contains(("redbook.client.requests", "GET", "feed", "OK"), seen);
            Assert.Contains(("redbook.client.duration", "GET", "feed", "OK"), seen);
            Assert.Contains(("redbook.client.requests", "DELETE", "feed", "NOT_FOUND"), seen);
            Assert.Contains(("redbook.client.errors", "DELETE", "feed", "NOT_FOUND"), seen);
            Assert.DoesNotContain(seen, m => m.Name == "redbook.client.errors" && m.Method == "GET" && m.Peer == "feed");
        }

        void Capture(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? method = null, peer = null, code = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "method": method = tag.Value as string; break;
                    case "peer": peer = tag.Value as string; break;
                    case "code": code = tag.Value as string; break;
                }
            }

            if (peer == "feed")
            {
                lock (seen)
                {
                    seen.Add((name, method!, peer, code!));
                }
            }
        }
    }

    [Theory]
    [InlineData("stress", "10.0.0.9")]
    [InlineData(null, "10.0.0.1")]
    [InlineData("blue", "10.0.0.1")]
    public async Task SendAsync_TrafficColour_PicksEndpointsOfThatColourOrTheBaseline(string? colour, string expectedHost)
    {
        var (sp, network) = Build(new() { ["RedBook:Clients:feed:Deadline:DefaultTimeout"] = "00:00:05" }, new ColouredRegistry());
        await using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");
        var metadata = colour is null ? RequestMetadata.Empty : new RequestMetadata(new Dictionary<string, string> { [RedBookHeaders.Color] = colour }, null);

        using (RequestMetadata.Use(metadata))
        {
            for (var i = 0; i < 4; i++)
            {
                using var response = await client.GetAsync(new Uri("http://feed/notes"));
            }
        }

        Assert.All(network.Sent, s => Assert.Equal(expectedHost, s.Uri.Host));
    }

    [Fact]
    public async Task SendAsync_NoEndpointServesTheColour_ThrowsNoEndpoint()
    {
        var (sp, network) = Build(new() { ["RedBook:Clients:feed:Deadline:DefaultTimeout"] = "00:00:05" }, new ColouredRegistry());
        await using var _ = sp;
        var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("feed");

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.GetAsync(new Uri("http://canary/x")));

        Assert.Equal(ErrorCode.Unavailable, ex.Error.Code);
        Assert.Equal(LoadBalancingConstants.NoEndpointsReason, ex.Error.Reason);
        Assert.Empty(network.Sent);
    }

    [Theory]
    [InlineData("http://feed/a/b?q=1", "http://10.0.0.1:8080", "http://10.0.0.1:8080/a/b?q=1")]
    [InlineData("https+http://feed/a", "https://10.0.0.1:8443", "https://10.0.0.1:8443/a")]
    [InlineData("http://feed/a", "http://10.0.0.1:8080/base/", "http://10.0.0.1:8080/base/a")]
    [InlineData("http://feed/a%20b?q=%C3%A9#top", "http://10.0.0.1:80", "http://10.0.0.1/a%20b?q=%C3%A9#top")]
    [InlineData("http://feed/a", "http://[::1]:8080", "http://[::1]:8080/a")]
    [InlineData("http://user:pw@feed/a", "http://10.0.0.1:8080/base", "http://user:pw@10.0.0.1:8080/base/a")]
    public void Rewrite_KeepsPathAndQuery(string original, string endpoint, string expected)
    {
        Assert.Equal(new Uri(expected), RedBookClientHandler.Rewrite(new Uri(original), new Uri(endpoint)));
    }
}
