using System.Threading.Channels;

namespace RedBook.Messaging.Relay;

/// <summary>
/// Wakes the outbox relay after a local write, so a message is published at once instead of at the next poll. A
/// store calls <see cref="Notify"/> after it commits a transaction that wrote outbox messages. Cheap and non-blocking;
/// any number of notifications before the relay wakes count as one.
/// </summary>
public interface IOutboxSignal
{
    /// <summary>Tells the relay that the outbox has new messages.</summary>
    void Notify();
}

/// <summary>The relay's wake-up signal (a channel of capacity one).</summary>
public sealed class OutboxSignal : IOutboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <inheritdoc />
    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits until notified or until <paramref name="timeout"/> passes on <paramref name="timeProvider"/>; true when notified.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            await _channel.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
