using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedBook.Clients.Kafka;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Telemetry;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.Messaging.Relay;

/// <summary>
/// Publishes a service's outbox to Kafka: reads unsent messages oldest first, produces them in that order with an
/// idempotent producer (<c>acks=all</c>), and marks the acknowledged ones sent. When Kafka is unreachable the
/// messages stay in the outbox and the relay backs off and retries, so nothing is lost; consumers de-duplicate the
/// rare re-publish (a crash between the acknowledgement and the mark).
/// </summary>
/// <remarks>
/// <para>
/// With an <see cref="ILeaderElection"/> the relay runs only while this instance leads it, so the replicas that share
/// one outbox publish it from exactly one of them; a round stops when the leadership is lost and holds the leadership
/// (<see cref="LeaderTerm.TryHold"/>) so a graceful resign lets it finish its marks first.
/// </para>
/// <para>
/// Each publish is a <c>send {topic}</c> activity whose parent is the writer's trace context (the row's
/// <c>traceparent</c>), so the writer, the publish and the consumers share one trace; the headers carry the publish
/// activity's context (or the writer's, when nobody listens).
/// </para>
/// </remarks>
public sealed partial class OutboxRelay : BackgroundService
{
    private readonly IOutboxStore _store;
    private readonly OutboxSignal _signal;
    private readonly Func<IProducer<string, string>> _producerFactory;
    private readonly OutboxRelayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ILeaderElection? _election;
    private IProducer<string, string>? _producer;

    /// <summary>
    /// Creates a relay; <paramref name="producerFactory"/> builds the producer (again after a fatal producer error). With
    /// <paramref name="election"/> it relays only while this instance leads that election; without, always.
    /// </summary>
    public OutboxRelay(IOutboxStore store, OutboxSignal signal, Func<IProducer<string, string>> producerFactory, OutboxRelayOptions options, TimeProvider timeProvider, ILogger<OutboxRelay> logger, ILeaderElection? election = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(producerFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        (_store, _signal, _producerFactory, _options, _timeProvider, _logger, _election) = (store, signal, producerFactory, options, timeProvider, logger, election);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _producer?.Dispose();
        _producer = null;
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(_logger);
            return;
        }

        if (_election is null)
        {
            await RelayAsync(term: null, stoppingToken).ConfigureAwait(false);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            LeaderTerm term;
            try
            {
                term = await _election.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            LogLeading(_logger, _election.Name, term.Term);
            using var whileLeading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.LostToken);
            await RelayAsync(term, whileLeading.Token).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                LogNotLeading(_logger, _election.Name, term.Term);
            }
        }
    }

    /// <summary>Relays until <paramref name="cancellationToken"/> fires (stop, or loss of <paramref name="term"/>).</summary>
    private async Task RelayAsync(LeaderTerm? term, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            int published;
            try
            {
                using var hold = term?.TryHold();
                if (term is not null && hold is null)
                {
                    return;
                }

                published = await PublishBatchAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var backoff = _options.Backoff(failures);
                LogRoundFailed(_logger, e, failures, backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (published < _options.EffectiveBatchSize)
            {
                try
                {
                    await _signal.WaitAsync(_options.EffectivePollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// One round: publishes up to a batch of unsent messages in order and marks the acknowledged ones sent. Returns how
    /// many it published; throws (after marking the successes) when any publish failed.
    /// </summary>
    internal async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await _store.GetUnsentAsync(_options.EffectiveBatchSize, cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return 0;
        }

        var producer = _producer ??= _producerFactory();
        var deliveries = new Task<DeliveryResult<string, string>>[batch.Count];
        var activities = new Activity?[batch.Count];
        var previous = Activity.Current;
        try
        {
            // Every ProduceAsync is enqueued before the first await, so librdkafka sends them in outbox order.
            for (var i = 0; i < batch.Count; i++)
            {
                Activity.Current = null;
                (deliveries[i], activities[i]) = Produce(producer, batch[i], cancellationToken);
            }
        }
        finally
        {
            Activity.Current = previous;
        }

        var sent = new List<string>(batch.Count);
        Exception? firstError = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            var activity = activities[i];
            try
            {
                var result = await deliveries[i].ConfigureAwait(false);
                sent.Add(message.Id);
                activity?.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(CultureInfo.InvariantCulture));
                activity?.SetTag("messaging.kafka.offset", result.Offset.Value);
                var topic = new KeyValuePair<string, object?>("messaging.destination.name", message.Topic);
                MessagingMetrics.RelayPublished.Add(1, topic);
                MessagingMetrics.RelayLag.Record(Math.Max(0, (_timeProvider.GetUtcNow() - message.CreatedAt).TotalSeconds), topic);
            }
            catch (Exception e)
            {
                firstError ??= e;
                activity?.AddException(e).SetStatus(ActivityStatusCode.Error, e.Message);
                MessagingMetrics.RelayFailures.Add(1,
                    new KeyValuePair<string, object?>("messaging.destination.name", message.Topic),
                    new KeyValuePair<string, object?>("error.type", (e as KafkaException)?.Error.Code.ToString() ?? e.GetType().Name));
                if (e is KafkaException { Error.IsFatal: true })
                {
                    // A fatal error (idempotence broken) leaves the producer unusable: the next round builds a new one.
                    _producer = null;
                    producer.Dispose();
                }
            }
            finally
            {
                activity?.Dispose();
            }
        }

        // Marked with CancellationToken.None: a publish that Kafka acknowledged must be recorded even while stopping.
        await _store.MarkSentAsync(sent, _timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        if (firstError is not null)
        {
            throw new OutboxPublishException(batch.Count - sent.Count, batch.Count, firstError);
        }

        return sent.Count;
    }

    private static (Task<DeliveryResult<string, string>> Delivery, Activity? Activity) Produce(IProducer<string, string> producer, OutboxMessage message, CancellationToken cancellationToken)
    {
        ActivityContext writer = default;
        if (message.TraceParent is { } traceParent)
        {
            ActivityContext.TryParse(traceParent, message.TraceState, isRemote: true, out writer);
        }

        var activity = RedBookKafkaTelemetry.StartSendActivity(message.Topic, message.Key, message.Id, writer);
        var headers = new Headers
        {
            { MessageHeaders.MessageId, Encoding.UTF8.GetBytes(message.Id) },
            { MessageHeaders.MessageType, Encoding.UTF8.GetBytes(message.Type) },
            { MessageHeaders.CreatedAt, Encoding.UTF8.GetBytes(message.CreatedAt.ToString("O", CultureInfo.InvariantCulture)) },
        };
        if (!RedBookKafkaTelemetry.InjectTraceContext(headers, activity) && message.TraceParent is { Length: > 0 } parent)
        {
            RedBookKafkaTelemetry.InjectTraceContext(headers, parent, message.TraceState);
        }

        try
        {
            var delivery = producer.ProduceAsync(message.Topic, new Message<string, string> { Key = message.Key, Value = message.Payload, Headers = headers }, cancellationToken);
            return (delivery, activity);
        }
        catch (Exception e)
        {
            return (Task.FromException<DeliveryResult<string, string>>(e), activity);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Outbox relay round failed ({Failures} in a row); retrying in {BackoffMs} ms. The messages stay in the outbox.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, int failures, double backoffMs);

    [LoggerMessage(4, LogLevel.Information, "Outbox relay runs in this instance: it leads election {Election} (term {Term}).")]
    private static partial void LogLeading(ILogger logger, string election, long term);

    [LoggerMessage(5, LogLevel.Information, "Outbox relay paused: this instance no longer leads election {Election} (term {Term}).")]
    private static partial void LogNotLeading(ILogger logger, string election, long term);

    [LoggerMessage(3, LogLevel.Information, "Outbox relay is disabled in this instance (RedBook:Messaging:Relay:Enabled=false).")]
    private static partial void LogDisabled(ILogger logger);
}

/// <summary>Some messages of a relay round were not acknowledged by Kafka; they stay unsent and are retried.</summary>
public sealed class OutboxPublishException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboxPublishException(int failed, int total, Exception innerException)
        : base($"{failed} of {total} outbox messages were not published: {innerException.Message}", innerException)
    {
        Failed = failed;
        Total = total;
    }

    /// <summary>How many messages failed.</summary>
    public int Failed { get; }

    /// <summary>How many messages the round tried.</summary>
    public int Total { get; }
}
