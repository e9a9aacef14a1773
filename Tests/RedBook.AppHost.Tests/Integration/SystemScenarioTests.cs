using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
//#if (IncludeMall)
using Grpc.Net.Client;
using RedBook.Mall.Contracts.V1;
//#endif
using Microsoft.Extensions.DependencyInjection;
using RedBook.AppHost.Tests.Integration.Otlp;
using RedBook.Hosting;
using Xunit.Abstractions;

namespace RedBook.AppHost.Tests.Integration;

/// <summary>
/// What a user of the system sees, end to end through the AppHost in local mode: the BFF's screens composed from the
/// services' replicas, an idempotent order and its event reaching the feed, the BFF degrading while the feed is down and
/// recovering when it is back, a switch put into etcd, and one request's trace across the services.
/// </summary>
[Collection(LocalSystemCollection.Name)]
public sealed class SystemScenarioTests(LocalSystemFixture fixture, ITestOutputHelper output)
{
    private const string UserHeader = "x-md-global-uid";
    private const string DegradedHeader = "x-redbook-degraded";
    private static readonly TimeSpan s_eventually = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Home_BothServices_AnswerThroughTheirTwoReplicasEach()
    {
        using var author = Bff("home-author-" + Unique());
        await CreateNoteAsync(author, "Home", []);
//#if (IncludeMall)
        await CreateProductAsync("Home lipstick", 10);
//#endif
        using var reader = Bff("home-reader-" + Unique());

        // Each call is a trace of its own, so the services' server spans tell which replica served it.
        var traces = new HashSet<string>();
        JsonElement home = default;
        var replicas = new Dictionary<string, int>();
        await SystemProbes.EventuallyAsync("both replicas of each service serving a whole home screen", s_eventually, async _ =>
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            traces.Add(traceId);
            using var response = await SendAsync(reader, HttpMethod.Get, "/api/home?pageSize=5", traceId: traceId);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            home = await ReadJsonAsync(response);
            replicas = ServingInstances(traces);
            return home.GetProperty("degraded").GetArrayLength() == 0 && s_replicated.All(s => replicas.GetValueOrDefault(s) >= 2);
        }, () => $"After {traces.Count} home screens: degraded {home.GetProperty("degraded")}, serving instances " +
            string.Join(", ", s_replicated.Select(s => $"{s} {replicas.GetValueOrDefault(s)}")));

        output.WriteLine($"both replicas of each service served within {traces.Count} home screens");
        Assert.NotEqual(0, home.GetProperty("notes").GetArrayLength());
//#if (IncludeMall)
        Assert.NotEqual(0, home.GetProperty("products").GetArrayLength());
//#endif
    }

//#if (IncludeMall)
    [Fact]
    public async Task PlaceOrder_TwiceWithOneIdempotencyKey_OneOrder_AndTheFeedCountsTheSale()
    {
        var productId = await CreateProductAsync("Order lipstick", 10);
        using var author = Bff("order-author-" + Unique());
        var noteId = await CreateNoteAsync(author, "My go-to red", [productId]);
        using var buyer = Bff("order-buyer-" + Unique());
        var key = Guid.NewGuid().ToString();
        var order = new { items = new[] { new { productId, quantity = 2 } } };

        using var first = await SendAsync(buyer, HttpMethod.Post, "/api/orders", order, idempotencyKey: key);
        using var second = await SendAsync(buyer, HttpMethod.Post, "/api/orders", order, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var placed = await ReadJsonAsync(first);
        var replayed = await ReadJsonAsync(second);
        Assert.True(placed.GetProperty("created").GetBoolean());
        Assert.False(replayed.GetProperty("created").GetBoolean());
        var orderId = placed.GetProperty("order").GetProperty("id").GetString();
        Assert.Equal(orderId, replayed.GetProperty("order").GetProperty("id").GetString());
        using var orders = await SendAsync(buyer, HttpMethod.Get, "/api/orders?pageSize=50");
        var listed = (await ReadJsonAsync(orders)).GetProperty("orders");
        Assert.Equal([orderId], listed.EnumerateArray().Select(o => o.GetProperty("id").GetString()));

        // order.placed goes mall outbox → relay → Kafka (the dev broker) → the feed's feed-sales consumer.
        long sold = 0;
        await SystemProbes.EventuallyAsync("the note's sales count", s_eventually, async _ =>
        {
            using var note = await SendAsync(author, HttpMethod.Get, $"/api/notes/{noteId}");
            var tagged = (await ReadJsonAsync(note)).GetProperty("note").GetProperty("products").EnumerateArray()
                .Single(p => p.GetProperty("productId").GetString() == productId);
            sold = tagged.GetProperty("sold").GetInt64();
            return sold == 2;
        }, () => $"sold is {sold}, expected 2");
    }

//#endif
    [Fact]
    public async Task Home_FeedReplicasStopped_AnswersDegraded_AndRecoversWhenTheyAreBack()
    {
        using var author = Bff("degrade-author-" + Unique());
        await CreateNoteAsync(author, "Before the outage", []);
        using var reader = Bff("degrade-reader-" + Unique());
        await SystemProbes.EventuallyAsync("a whole home screen before the outage", s_eventually, async _ => (await HomeDegradedAsync(reader)).Length == 0);

        var feed = fixture.Resources.Single(r => r.Name == "feed-api");
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var stopped = await commands.ExecuteCommandAsync(feed, KnownResourceCommands.StopCommand);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            string[] degraded = [];
            await SystemProbes.EventuallyAsync("the notes marked degraded while the feed is down", s_eventually, async _ =>
            {
                degraded = await HomeDegradedAsync(reader);
                return degraded.Contains("notes");
            }, () => $"degraded: [{string.Join(", ", degraded)}]");
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync(feed, KnownResourceCommands.StartCommand);
            Assert.True(started.Success, started.Message);
        }

        using var healthy = new CancellationTokenSource(s_eventually);
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("feed-api", healthy.Token);
        string[] after = [];
        await SystemProbes.EventuallyAsync("a whole home screen once the feed is back", s_eventually, async _ =>
        {
            after = await HomeDegradedAsync(reader);
            return after.Length == 0;
        }, () => $"degraded: [{string.Join(", ", after)}]");
    }

    [Fact]
    public async Task EtcdPut_BffFeedDegradeSwitch_DegradesTheFeedsParts_UntilItIsDeleted()
    {
        const string key = "/redbook/config/bff/RedBook/Bff/Degrade/Feed/Force";
        using var author = Bff("switch-author-" + Unique());
        await CreateNoteAsync(author, "Switch", []);
        using var reader = Bff("switch-reader-" + Unique());
        await SystemProbes.EventuallyAsync("a whole home screen before the switch", s_eventually, async _ => (await HomeDegradedAsync(reader)).Length == 0);
        using var etcd = new HttpClient { BaseAddress = fixture.App.GetEndpoint("etcd", RedBookEtcdResource.ClientEndpointName) };

        await SystemProbes.EtcdPutAsync(etcd, key, "true");
        try
        {
            string[] degraded = [];
            await SystemProbes.EventuallyAsync("the switch reaching the BFF", s_eventually, async _ =>
            {
                degraded = await HomeDegradedAsync(reader);
                return degraded.Contains("notes");
            }, () => $"degraded: [{string.Join(", ", degraded)}]");
        }
        finally
        {
            await SystemProbes.EtcdDeleteAsync(etcd, key);
        }

        string[] after = [];
        await SystemProbes.EventuallyAsync("the switch's deletion reaching the BFF", s_eventually, async _ =>
        {
            after = await HomeDegradedAsync(reader);
            return after.Length == 0;
        }, () => $"degraded: [{string.Join(", ", after)}]");
    }

    [Fact]
    public async Task GetNote_OneRequest_IsOneTraceAcrossTheServices()
    {
        using var author = Bff("trace-author-" + Unique());
        string[] productIds = [];
        string[] services = ["bff", "feed-api"];
//#if (IncludeMall)
        productIds = [await CreateProductAsync("Traced lipstick", 10)];
        services = [.. services, "mall-api"];
//#endif
        var noteId = await CreateNoteAsync(author, "Traced", productIds);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        using var response = await SendAsync(author, HttpMethod.Get, $"/api/notes/{noteId}", traceId: traceId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The exporters send in batches (every 5 s).
        IReadOnlyList<ReceivedSpan> spans = [];
        await SystemProbes.EventuallyAsync("every service's spans of the trace", s_eventually, _ =>
        {
            spans = fixture.Traces.Spans.Where(s => s.TraceId == traceId).ToList();
            return Task.FromResult(services.All(service => spans.Any(s => s.Service == service && s.Kind == SpanKind.Server)));
        }, () => "spans: " + string.Join("; ", spans.Select(s => $"{s.Service} {s.Kind} {s.Name}")));

        // Each service's server span is the child of a client span of the BFF: BFF → feed, BFF → mall.
        var bffSpans = spans.Where(s => s.Service == "bff").Select(s => s.SpanId).ToHashSet();
        foreach (var service in services.Where(s => s != "bff"))
        {
            Assert.Contains(spans, s => s.Service == service && s.Kind == SpanKind.Server && bffSpans.Contains(s.ParentSpanId));
        }
    }

    private static readonly string[] s_replicated =
    [
        "feed-api",
//#if (IncludeMall)
        "mall-api",
//#endif
    ];

    /// <summary>How many instances of each service answered server spans of the traces.</summary>
    private Dictionary<string, int> ServingInstances(HashSet<string> traces) =>
        fixture.Traces.Spans
            .Where(s => s.Kind == SpanKind.Server && traces.Contains(s.TraceId))
            .GroupBy(s => s.Service)
            .ToDictionary(g => g.Key, g => g.Select(s => s.Instance).Distinct().Count());

    private HttpClient Bff(string user)
    {
        var client = fixture.App.CreateHttpClient("bff");
        client.DefaultRequestHeaders.Add(UserHeader, user);
        return client;
    }

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null, string? idempotencyKey = null, string? traceId = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> CreateNoteAsync(HttpClient author, string title, string[] productIds)
    {
        using var response = await SendAsync(author, HttpMethod.Post, "/api/notes", new { title, body = "Lasts all day.", tags = new[] { "makeup" }, imageRefs = Array.Empty<string>(), productIds });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("id").GetString()!;
    }

//#if (IncludeMall)
    /// <summary>Creates a product through the mall's gRPC API (the BFF has no endpoint for it), on its proxied h2c endpoint.</summary>
    private async Task<string> CreateProductAsync(string name, int stock)
    {
        using var channel = GrpcChannel.ForAddress(fixture.App.GetEndpoint("mall-api", "grpc"));
        var mall = new MallService.MallServiceClient(channel);
        var product = await mall.CreateProductAsync(
            new CreateProductRequest { Name = name, Description = "Matte red", PriceMinor = 12900, InitialStock = stock },
            deadline: DateTime.UtcNow.AddSeconds(30));
        return product.Id;
    }

//#endif
    /// <summary>The home screen's degraded parts; the screen itself must answer.</summary>
    private static async Task<string[]> HomeDegradedAsync(HttpClient reader)
    {
        using var response = await SendAsync(reader, HttpMethod.Get, "/api/home?pageSize=5");
        var home = await ReadJsonAsync(response);
        var degraded = home.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()!).ToArray();
        var header = response.Headers.TryGetValues(DegradedHeader, out var values) ? string.Join(',', values) : string.Empty;
        Assert.Equal(string.Join(',', degraded), header);
        return degraded;
    }
}
