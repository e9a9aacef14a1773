using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RedBook.Bff.Tests.Support;

/// <summary>Reads the BFF's JSON answers.</summary>
internal static class Api
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return await response.JsonAsync(expected);
    }

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return await response.JsonAsync(expected);
    }

    /// <summary>Asserts a RedBook ProblemDetails with <paramref name="reason"/> and, for 400s, exactly <paramref name="fields"/> in <c>errors</c>.</summary>
    public static async Task ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string reason, params string[] fields)
    {
        var problem = await response.JsonAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Equal(reason, response.Headers.GetValues("x-redbook-reason").Single());
        if (fields.Length > 0)
        {
            var errors = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(fields.Order(StringComparer.Ordinal).ToArray(), errors);
        }
    }

    public static string[] Degraded(this JsonElement screen) => [.. screen.GetProperty("degraded").EnumerateArray().Select(e => e.GetString()!)];

    public static string? DegradedHeader(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-redbook-degraded", out var values) ? values.Single() : null;

    public static string NewUser() => "u" + Guid.NewGuid().ToString("N")[..12];
}
