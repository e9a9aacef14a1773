using System.Net;
using System.Net.Sockets;

namespace RedBook.FunctionalTests.Etcd;

/// <summary>
/// A TCP proxy on loopback in front of one server. <see cref="Freeze"/> makes it stop forwarding in both directions
/// while keeping every connection open, and accept new ones without ever forwarding them: a connection that hangs
/// without closing, as a half-dead peer or a stuck middlebox does. <see cref="Thaw"/> forwards new connections
/// again; the ones that hung stay hung, as a stale middlebox entry does.
/// </summary>
public sealed class FreezableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _frozen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<TcpClient> _connections = [];
    private readonly Task _acceptLoop;
    private long _forwarded;
    private long _accepted;

    public FreezableProxy(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>How many bytes the proxy has forwarded, both directions together.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>How many connections the proxy has accepted.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Stops forwarding; connections stay open.</summary>
    public void Freeze() => Volatile.Read(ref _frozen).TrySetResult();

    /// <summary>Forwards connections accepted from now on; those opened before stay as they are.</summary>
    public void Thaw()
    {
        if (Volatile.Read(ref _frozen).Task.IsCompleted)
        {
            Volatile.Write(ref _frozen, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            var outbound = new TcpClient();
            lock (_connections)
            {
                _connections.Add(inbound);
                _connections.Add(outbound);
            }

            var frozen = Volatile.Read(ref _frozen).Task;
            if (frozen.IsCompleted)
            {
                continue; // accepted, never answered
            }

            await outbound.ConnectAsync(_target, _stop.Token);
            _ = PumpAsync(inbound.GetStream(), outbound.GetStream(), frozen);
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream(), frozen);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Task frozen)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = from.ReadAsync(buffer, _stop.Token).AsTask();
                if (await Task.WhenAny(read, frozen) != read)
                {
                    return; // frozen: stop reading and writing, keep the sockets open
                }

                var count = await read;
                if (count == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, count), _stop.Token);
                Interlocked.Add(ref _forwarded, count);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }
}
