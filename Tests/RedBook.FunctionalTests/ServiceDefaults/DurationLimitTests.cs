using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.FunctionalTests.ServiceDefaults;

/// <summary>
/// Durations at the edge of what a .NET timer holds (about 49.7 days): a legal <c>grpc-timeout</c> or an endpoint
/// timeout longer than that is served (the deadline is shortened to the longest a timer holds), never a 500.
/// </summary>
public class DurationLimitTests
{
    /// <summary>The longest delay a .NET timer accepts: 2^32 − 2 ms, 49 days 17 h 2 min 47.294 s.</summary>
    private static readonly TimeSpan s_timerLimit = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    [Theory]
    [InlineData("1193H")]        // just under the timer's limit
    [InlineData("1194H")]        // just over it: the value that answered 500
    [InlineData("71582789M")]
    [InlineData("4294968S")]
    [InlineData("99999999S")]
    [InlineData("99999999M")]
    [InlineData("99999999H")]    // the longest the format carries, about 11,400 years
    public async Task GrpcTimeout_UpToTheLongestLegalValue_IsServedOnEveryPath(string value)
    {
        await using var app = await KestrelApp.StartAsync(a => a.MapGet("/work", () =>
            RequestDeadline.Current.Remaining(TimeProvider.System).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var asked = GrpcTimeout.Parse(value);

        foreach (var path in (string[])["/work", "/health", "/alive"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.TryAddWithoutValidation(RedBookHeaders.GrpcTimeout, value);
            using var response = await app.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} with grpc-timeout {value}: {(int)response.StatusCode} {body}");
            if (path == "/work")
            {
                var remaining = TimeSpan.FromTicks(long.Parse(body, System.Globalization.CultureInfo.InvariantCulture));
                var expected = asked < s_timerLimit ? asked : s_timerLimit;
                Assert.InRange(remaining, expected - TimeSpan.FromMinutes(1), expected);
            }
        }
    }

    [Fact]
    public async Task EndpointTimeout_LongerThanATimerHolds_IsServed()
    {
        await using var app = await KestrelApp.StartAsync(a =>
            a.MapGet("/report", () => RequestDeadline.Current.Remaining(TimeProvider.System).TotalDays.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))
                .WithRequestTimeout(TimeSpan.FromDays(60)));

        using var response = await app.Client.GetAsync(new Uri("/report", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        Assert.Equal("49.7", body);
    }
}
