using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace RedBook.AppHost.Tests.Integration;

/// <summary>What the system tests do to the running system from outside: poll until a condition holds, write to etcd.</summary>
internal static class SystemProbes
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, for at most <paramref name="timeout"/>; the token it gets is
    /// cancelled when the time is up, and the test then fails naming <paramref name="what"/> and the last state.
    /// </summary>
    public static async Task EventuallyAsync(string what, TimeSpan timeout, Func<CancellationToken, Task<bool>> condition, Func<string>? state = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition(deadline.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // The time ran out during the probe: fail below.
            }

            if (clock.Elapsed > timeout || deadline.IsCancellationRequested)
            {
                Assert.Fail($"{what}: not within {timeout.TotalSeconds:0} s. {state?.Invoke()}");
            }

            await Task.Delay(s_step, CancellationToken.None);
        }
    }

    /// <summary>Puts <paramref name="key"/> into etcd through its JSON gateway.</summary>
    public static Task EtcdPutAsync(HttpClient etcd, string key, string value) =>
        EtcdAsync(etcd, "/v3/kv/put", new { key = Base64(key), value = Base64(value) });

    /// <summary>Deletes <paramref name="key"/> from etcd through its JSON gateway.</summary>
    public static Task EtcdDeleteAsync(HttpClient etcd, string key) =>
        EtcdAsync(etcd, "/v3/kv/deleterange", new { key = Base64(key) });

    private static async Task EtcdAsync(HttpClient etcd, string path, object body)
    {
        using var response = await etcd.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
    }

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
}
