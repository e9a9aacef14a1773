using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedBook.Bff.Tests.Support;
using RedBook.Mall.Contracts.V1;

namespace RedBook.Bff.Tests.Functional;

/// <summary>The mall endpoints against the real services: catalogue, idempotent orders, the per-user quota.</summary>
[Collection(BffStackCollection.Name)]
public sealed class MallApiTests(BffStack stack)
{
    private async Task<string> ProductAsync(string name = "Lipstick", int stock = 50) =>
        (await stack.Mall.CreateProductAsync(new CreateProductRequest { Name = name, Description = "Red", PriceMinor = 12900, InitialStock = stock })).Id;

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> PlaceAsync(HttpClient client, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/orders", UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Catalog_ListAndGet_ServeProducts()
    {
        var id = await ProductAsync("Catalog item");
        using var client = stack.Client();
        var page = await client.GetJsonAsync("/api/products?pageSize=100");
        Assert.Contains(page.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        var product = await client.GetJsonAsync($"/api/products/{id}");
        Assert.Equal(12900, product.GetProperty("price").GetProperty("minorUnits").GetInt64());
        using var missing = await client.GetAsync(new Uri($"/api/products/{new string('0', 32)}", UriKind.Relative));
        await missing.ProblemAsync(HttpStatusCode.NotFound, "MALL_PRODUCT_NOT_FOUND");
    }

    [Fact]
    public async Task PlaceOrder_SameKeyTwice_PlacesOneOrder()
    {
        var product = await ProductAsync();
        using var client = stack.Client(Api.NewUser());
        var key = Guid.NewGuid().ToString();
        var body = new { items = new[] { new { productId = product, quantity = 2 } } };

        var (first, firstBody) = await PlaceAsync(client, body, key);
        var (second, secondBody) = await PlaceAsync(client, body, key);

        Assert.True(HttpStatusCode.Created == first.StatusCode, $"{first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
        Assert.True(firstBody.GetProperty("created").GetBoolean());
        Assert.True(HttpStatusCode.OK == second.StatusCode, $"{second.StatusCode}: {await second.Content.ReadAsStringAsync()}");
        Assert.False(secondBody.GetProperty("created").GetBoolean());
        Assert.Equal(firstBody.GetProperty("order").GetProperty("id").GetString(), secondBody.GetProperty("order").GetProperty("id").GetString());
        Assert.Equal(key, second.Headers.GetValues("Idempotency-Key").Single());
        var orders = await client.GetJsonAsync("/api/orders");
        Assert.Single(orders.GetProperty("orders").EnumerateArray());
        Assert.Equal(48, (await stack.Mall.GetProductAsync(new GetProductRequest { ProductId = product })).Available);
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task PlaceOrder_NoKey_BffGeneratesOneAndPayAndCancelWork()
    {
        var product = await ProductAsync();
        using var client = stack.Client(Api.NewUser());
        var body = new { items = new[] { new { productId = product, quantity = 1 } } };

        var (placed, order) = await PlaceAsync(client, body, key: null);
        var (other, otherOrder) = await PlaceAsync(client, body, key: null);

        Assert.True(HttpStatusCode.Created == placed.StatusCode, $"{placed.StatusCode}: {await placed.Content.ReadAsStringAsync()}");
        var generated = placed.Headers.GetValues("Idempotency-Key").Single();
        Assert.Equal(generated, order.GetProperty("order").GetProperty("idempotencyKey").GetString());
        Assert.NotEqual(generated, other.Headers.GetValues("Idempotency-Key").Single());
        var orderId = order.GetProperty("order").GetProperty("id").GetString();
        var otherId = otherOrder.GetProperty("order").GetProperty("id").GetString();

        using var paid = await client.PostAsync(new Uri($"/api/orders/{orderId}/pay?expectedVersion=1", UriKind.Relative), null);
        Assert.Equal("paid", (await paid.JsonAsync(HttpStatusCode.OK)).GetProperty("state").GetString());
        using var cancelPaid = await client.PostAsync(new Uri($"/api/orders/{orderId}/cancel", UriKind.Relative), null);
        await cancelPaid.ProblemAsync(HttpStatusCode.BadRequest, "MALL_ORDER_STATE_CONFLICT");
        using var cancelled = await client.PostAsync(new Uri($"/api/orders/{otherId}/cancel", UriKind.Relative), null);
        Assert.Equal("user", (await cancelled.JsonAsync(HttpStatusCode.OK)).GetProperty("cancelReason").GetString());
        Assert.Equal("cancelled", (await client.GetJsonAsync($"/api/orders/{otherId}")).GetProperty("state").GetString());

        // Someone else's order does not exist for this user.
        using var stranger = await stack.Client(Api.NewUser()).GetAsync(new Uri($"/api/orders/{orderId}", UriKind.Relative));
        await stranger.ProblemAsync(HttpStatusCode.NotFound, "MALL_ORDER_NOT_FOUND");
        placed.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task PlaceOrder_InvalidInput_AnswersFieldErrorsAndPlacesNothing()
    {
        var product = await ProductAsync();
        using var client = stack.Client(Api.NewUser());

        var (lines, _) = await PlaceAsync(client, new { items = new object[] { new { productId = product, quantity = 0 }, new { productId = product, quantity = 1 }, new { productId = "x", quantity = 1 } } }, "short");
        await lines.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "Idempotency-Key", "items[0].quantity", "items[1].productId", "items[2].productId");
        var (empty, _) = await PlaceAsync(client, new { items = Array.Empty<object>() }, null);
        await empty.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "items");
        var (unknown, _) = await PlaceAsync(client, new { items = new[] { new { productId = new string('0', 32), quantity = 1 } } }, null);
        await unknown.ProblemAsync(HttpStatusCode.NotFound, "MALL_PRODUCT_NOT_FOUND");
        using var version = await client.PostAsync(new Uri($"/api/orders/{new string('1', 32)}/pay?expectedVersion=0", UriKind.Relative), null);
        await version.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "expectedVersion");

        Assert.Empty((await client.GetJsonAsync("/api/orders")).GetProperty("orders").EnumerateArray());
        lines.Dispose();
        empty.Dispose();
        unknown.Dispose();
    }

    [Fact]
    public async Task PlaceOrder_OverTheUsersQuota_Answers429WithRetryAfter()
    {
        var product = await ProductAsync(stock: 100);
        var user = Api.NewUser();
        using var client = stack.Client(user);
        var body = new { items = new[] { new { productId = product, quantity = 1 } } };

        // The tests' quota: two orders at once per user, then one per 20 s.
        var (first, _) = await PlaceAsync(client, body, null);
        var (second, _) = await PlaceAsync(client, body, null);
        var (third, _) = await PlaceAsync(client, body, null);

        Assert.True(HttpStatusCode.Created == first.StatusCode, $"{first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
        Assert.True(HttpStatusCode.Created == second.StatusCode, $"{second.StatusCode}: {await second.Content.ReadAsStringAsync()}");
        await third.ProblemAsync(HttpStatusCode.TooManyRequests, "REDBOOK_QUOTA_EXHAUSTED");
        Assert.True(third.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {third.Headers.RetryAfter}");
        Assert.Equal(2, (await client.GetJsonAsync("/api/orders")).GetProperty("orders").GetArrayLength());

        // Another user's quota is their own.
        var (other, _) = await PlaceAsync(stack.Client(Api.NewUser()), body, null);
        Assert.True(HttpStatusCode.Created == other.StatusCode, $"{other.StatusCode}: {await other.Content.ReadAsStringAsync()}");
        first.Dispose();
        second.Dispose();
        third.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task NoteScreen_NoteTagsProducts_ServesThem()
    {
        var product = await ProductAsync("Tagged");
        using var client = stack.Client(Api.NewUser());
        var note = await client.PostJsonAsync("/api/notes", new { title = "Look", body = "Nice", productIds = new[] { product } }, HttpStatusCode.Created);

        var screen = await client.GetJsonAsync($"/api/notes/{note.GetProperty("id").GetString()}");

        Assert.Equal(product, Assert.Single(screen.GetProperty("products").EnumerateArray()).GetProperty("id").GetString());
        var home = await client.GetJsonAsync("/api/home");
        Assert.NotEmpty(home.GetProperty("products").EnumerateArray());
    }
}
