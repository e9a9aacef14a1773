using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace RedBook.ServiceDefaults.Tests.Etcd.Client;

/// <summary>Stands in for etcd's gateway: answers each request with the next scripted response for its path.</summary>
internal sealed class FakeEtcdHandler : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpRequestMessage, string, HttpResponseMessage>>> _script = new();

    private readonly Lock _gate = new();
    private readonly List<(string Path, int Count, TaskCompletionSource Signal)> _waiters = [];

    public ConcurrentQueue<(string Path, string Body, string? Authorization, string Host)> Requests { get; } = new();

    /// <summary>
    /// Completes once <paramref name="count"/> requests for <paramref name="path"/> have arrived: an explicit signal
    /// that the code under test has sent them, so a test awaits it instead of spinning.
    /// </summary>
    public Task WhenRequestsAsync(string path, int count)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Requests.Count(r => r.Path == path) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((path, count, signal));
        }

        return signal.Task;
    }

    public FakeEtcdHandler On(string path, Func<HttpRequestMessage, string, HttpResponseMessage> respond)
    {
        _script.GetOrAdd(path, _ => new()).Enqueue(respond);
        return this;
    }

    public FakeEtcdHandler OnJson(string path, string json, HttpStatusCode status = HttpStatusCode.OK) =>
        On(path, (_, _) => Json(json, status));

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        request.Headers.TryGetValues("Authorization", out var auth);
        List<TaskCompletionSource>? ready = null;
        lock (_gate)
        {
            Requests.Enqueue((path, body, auth?.FirstOrDefault(), request.RequestUri.Authority));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (Requests.Count(r => r.Path == waiter.Path) >= waiter.Count)
                {
                    (ready ??= []).Add(waiter.Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(static signal => signal.TrySetResult());
        if (request.RequestUri.Port == 1)
        {
            throw new HttpRequestException("Connection refused (fake)");
        }

        if (_script.TryGetValue(path, out var queue) && queue.TryDequeue(out var respond))
        {
            return respond(request, body);
        }

        if (path == "/v3/watch")
        {
            // Out of script: a watch that stays open and quiet, so a watcher under test idles instead of spinning.
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new QuietStream()) };
        }

        throw new HttpRequestException($"Connection refused (no scripted answer for {path})");
    }

    private sealed class QuietStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
