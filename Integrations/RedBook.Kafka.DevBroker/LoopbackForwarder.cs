using System.Net;
using System.Net.Sockets;

namespace RedBook.Kafka.DevBroker;

/// <summary>
/// Forwards TCP connections from a fixed loopback port to a mock broker's ephemeral port, byte for byte, so the
/// development broker can be reached on a port chosen up front. A connection whose broker side closes (the broker
/// was set down) is closed on the client side too.
/// </summary>
internal sealed class LoopbackForwarder : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    private LoopbackForwarder(TcpListener listener, int targetPort)
    {
        _listener = listener;
        _targetPort = targetPort;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public static LoopbackForwarder Start(int port, int targetPort)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new InvalidOperationException($"The development broker cannot listen on 127.0.0.1:{port}: {e.Message}", e);
        }

        return new LoopbackForwarder(listener, targetPort);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        _listener.Dispose();
        try
        {
            _acceptLoop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client, _stopping.Token);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        using (var broker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            client.NoDelay = true;
            broker.NoDelay = true;
            try
            {
                await broker.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), stopping).ConfigureAwait(false);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                await using var clientStream = new NetworkStream(client, ownsSocket: false);
                await using var brokerStream = new NetworkStream(broker, ownsSocket: false);
                var up = clientStream.CopyToAsync(brokerStream, linked.Token);
                var down = brokerStream.CopyToAsync(clientStream, linked.Token);
                await Task.WhenAny(up, down).ConfigureAwait(false);
                await linked.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Either side closed or the forwarder stopped: the other side is closed by the usings.
            }
        }
    }
}
