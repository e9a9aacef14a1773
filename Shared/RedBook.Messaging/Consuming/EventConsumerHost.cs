using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedBook.Clients.Kafka;
using RedBook.Messaging.Telemetry;

namespace RedBook.Messaging.Consuming;

/// <summary>
/// Runs one consumer group: subscribes to the topics its handlers cover, hands each message to the handler of its
/// (topic, type) in a new scope, and commits the message's offset only after the handler succeeded (or the message
/// was dead-lettered). A failing handler is retried with backoff up to <see cref="EventConsumerOptions.MaxAttempts"/>;
/// then the message goes to <c>{topic}.dlq</c> with the error in its headers. Nothing is skipped silently: if even
/// the dead-letter publish fails, the host keeps retrying it and the offset stays uncommitted.
/// </summary>
/// <remarks>
/// Delivery is at least once; handlers are idempotent through the processed-message record written in the same
/// transaction as their effect (<see cref="IntegrationEvent.MessageId"/> and <see cref="IntegrationEvent.ConsumerGroup"/>).
/// Each message is a <c>process {topic}</c> activity whose parent is the trace context in its headers.
/// The loop runs on its own thread because librdkafka's consume call blocks.
/// </remarks>
public sealed partial class EventConsumerHost : BackgroundService
{
    private readonly string _group;
    private readonly IReadOnlyDictionary<(string Topic, string Type), Func<IServiceProvider, IntegrationEvent, CancellationToken, Task<bool>>> _routes;
    private readonly Func<IConsumer<string, byte[]>> _consumerFactory;
    private readonly Func<IProducer<string, byte[]>> _deadLetterProducerFactory;
    private readonly IServiceScopeFactory _scopes;
    private readonly EventConsumerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private IProducer<string, byte[]>? _deadLetterProducer;

    /// <summary>Creates the host of one consumer group.</summary>
    public EventConsumerHost(
        string consumerGroup,
        IReadOnlyDictionary<(string Topic, string Type), Func<IServiceProvider, IntegrationEvent, CancellationToken, Task<bool>>> routes,
        Func<IConsumer<string, byte[]>> consumerFactory,
        Func<IProducer<string, byte[]>> deadLetterProducerFactory,
        IServiceScopeFactory scopes,
        EventConsumerOptions options,
        TimeProvider timeProvider,
        ILogger<EventConsumerHost> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(consumerFactory);
        ArgumentNullException.ThrowIfNull(deadLetterProducerFactory);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (routes.Count == 0)
        {
            throw new ArgumentException($"Consumer group '{consumerGroup}' has no handlers.", nameof(routes));
        }

        (_group, _routes, _consumerFactory, _deadLetterProducerFactory, _scopes, _options, _timeProvider, _logger) =
            (consumerGroup, routes, consumerFactory, deadLetterProducerFactory, scopes, options, timeProvider, logger);
    }

    /// <summary>The consumer group.</summary>
    public string ConsumerGroup => _group;

    /// <inheritdoc />
    public override void Dispose()
    {
        _deadLetterProducer?.Dispose();
        _deadLetterProducer = null;
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        // A fatal consumer error (or a failure to build the consumer) costs a backoff and a new consumer, not the
        // host: the group's committed offsets say where the new one resumes.
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                RunConsumer(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var backoff = _options.Backoff(failures);
                LogConsumerFailed(_logger, e, _group, backoff.TotalMilliseconds);
                try
                {
                    Wait(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void RunConsumer(CancellationToken stoppingToken)
    {
        var topics = _routes.Keys.Select(static k => k.Topic).Distinct(StringComparer.Ordinal).ToArray();
        using var consumer = _consumerFactory();
        consumer.Subscribe(topics);
        LogStarted(_logger, _group, string.Join(", ", topics));
        try
        {
            var consumeFailures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? result;
                try
                {
                    result = consumer.Consume(stoppingToken);
                    consumeFailures = 0;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    // A record that cannot be read (corrupt, or a deserializer error): skipping it would lose it
                    // silently, so it is dead-lettered like a poison message. An error that is not about a record
                    // (a subscribed topic that does not exist yet, a broker that is away) comes with a record at no
                    // offset: there is nothing to dead-letter or commit, so the group backs off and consumes again.
                    consumeFailures++;
                    LogConsumeFailed(_logger, e, _group, e.Error.Reason);
                    if (e.ConsumerRecord is { Message: not null, Offset.IsSpecial: false } record)
                    {
                        var key = record.Message.Key is null ? null : Encoding.UTF8.GetString(record.Message.Key);
                        DeadLetter(record.TopicPartitionOffset, key, record.Message.Value, record.Message.Headers, e, attempts: 0, stoppingToken);
                        Commit(consumer, record.TopicPartitionOffset);
                    }
                    else
                    {
                        MessagingMetrics.ConsumeErrors.Add(1, new("messaging.consumer.group.name", _group), new("error.type", e.Error.Code.ToString()));
                        Wait(_options.Backoff(consumeFailures), stoppingToken);
                    }

                    continue;
                }

                if (result is null || result.IsPartitionEOF || result.Message is null)
                {
                    continue;
                }

                if (Process(result, stoppingToken))
                {
                    Commit(consumer, result.TopicPartitionOffset);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the message in hand stays uncommitted and is redelivered to the group later.
        }
        finally
        {
            try
            {
                consumer.Close();
            }
            catch (KafkaException e)
            {
                LogCloseFailed(_logger, e, _group);
            }

            LogStopped(_logger, _group);
        }
    }

    /// <summary>Handles one message; true when its offset may be committed (handled, ignored or dead-lettered).</summary>
    private bool Process(ConsumeResult<string, byte[]> result, CancellationToken stoppingToken)
    {
        var headers = result.Message.Headers;
        var messageId = Header(headers, MessageHeaders.MessageId)
            ?? string.Create(CultureInfo.InvariantCulture, $"{result.Topic}:{result.Partition.Value}:{result.Offset.Value}");
        var type = Header(headers, MessageHeaders.MessageType) ?? string.Empty;
        var topicTag = new KeyValuePair<string, object?>("messaging.destination.name", result.Topic);
        var groupTag = new KeyValuePair<string, object?>("messaging.consumer.group.name", _group);
        var started = _timeProvider.GetTimestamp();

        if (!_routes.TryGetValue((result.Topic, type), out var handler))
        {
            MessagingMetrics.ConsumerMessages.Add(1, topicTag, groupTag, new("outcome", "ignored"));
            LogIgnored(_logger, _group, type, result.Topic, messageId);
            return true;
        }

        var previous = Activity.Current;
        using var activity = RedBookKafkaTelemetry.StartConsumeActivity(result, _group, "process", messageId);
        activity?.SetTag("messaging.message.type", type);
        try
        {
            var integrationEvent = new IntegrationEvent
            {
                MessageId = messageId,
                ConsumerGroup = _group,
                Topic = result.Topic,
                Key = result.Message.Key,
                Type = type,
                Payload = result.Message.Value is null ? string.Empty : Encoding.UTF8.GetString(result.Message.Value),
                CreatedAt = DateTimeOffset.TryParse(Header(headers, MessageHeaders.CreatedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var createdAt) ? createdAt : null,
                Partition = result.Partition.Value,
                Offset = result.Offset.Value,
            };

            Exception? lastError = null;
            var maxAttempts = _options.EffectiveMaxAttempts;
            for (var attempt = 1; attempt <= maxAttempts; attempt++)
            {
                stoppingToken.ThrowIfCancellationRequested();
                try
                {
                    using var scope = _scopes.CreateScope();
                    var applied = handler(scope.ServiceProvider, integrationEvent with { Attempt = attempt }, stoppingToken).GetAwaiter().GetResult();
                    var outcome = applied ? "processed" : "duplicate";
                    activity?.SetTag("redbook.messaging.outcome", outcome);
                    MessagingMetrics.ConsumerMessages.Add(1, topicTag, groupTag, new("outcome", outcome));
                    return true;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    lastError = e;
                    MessagingMetrics.ConsumerFailures.Add(1, topicTag, groupTag, new("error.type", e.GetType().Name));
                    LogHandlerFailed(_logger, e, _group, type, messageId, attempt, maxAttempts);
                    if (attempt < maxAttempts)
                    {
                        Wait(_options.Backoff(attempt), stoppingToken);
                    }
                }
            }

            activity?.SetStatus(ActivityStatusCode.Error, lastError!.Message);
            DeadLetter(result.TopicPartitionOffset, result.Message.Key, result.Message.Value, headers, lastError!, maxAttempts, stoppingToken);
            activity?.SetTag("redbook.messaging.outcome", "dead_lettered");
            MessagingMetrics.ConsumerMessages.Add(1, topicTag, groupTag, new("outcome", "dead_lettered"));
            return true;
        }
        finally
        {
            MessagingMetrics.ConsumerDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, topicTag, groupTag);
            activity?.Dispose();
            Activity.Current = previous;
        }
    }

    /// <summary>Publishes the message to <c>{topic}.dlq</c> with the error; retries until it is acknowledged or the host stops.</summary>
    private void DeadLetter(TopicPartitionOffset source, string? key, byte[]? value, Headers? originalHeaders, Exception error, int attempts, CancellationToken stoppingToken)
    {
        var headers = new Headers();
        foreach (var header in originalHeaders ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(MessageHeaders.DeadLetterError, Encoding.UTF8.GetBytes(Truncate($"{error.GetType().FullName}: {error.Message}", 4096)));
        headers.Add(MessageHeaders.DeadLetterTopic, Encoding.UTF8.GetBytes(source.Topic));
        headers.Add(MessageHeaders.DeadLetterPartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(MessageHeaders.DeadLetterOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(MessageHeaders.DeadLetterConsumerGroup, Encoding.UTF8.GetBytes(_group));
        headers.Add(MessageHeaders.DeadLetterAttempts, Encoding.UTF8.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));
        var deadLetterTopic = source.Topic + MessageHeaders.DeadLetterSuffix;

        for (var failures = 0; ; failures++)
        {
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                var producer = _deadLetterProducer ??= _deadLetterProducerFactory();
                producer.ProduceAsync(deadLetterTopic, new Message<string, byte[]> { Key = key!, Value = value!, Headers = headers }, stoppingToken)
                    .GetAwaiter().GetResult();
                LogDeadLettered(_logger, _group, source.Topic, source.Partition.Value, source.Offset.Value, deadLetterTopic);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                LogDeadLetterFailed(_logger, e, _group, deadLetterTopic);
                if (e is KafkaException { Error.IsFatal: true })
                {
                    _deadLetterProducer?.Dispose();
                    _deadLetterProducer = null;
                }

                Wait(_options.Backoff(failures + 1), stoppingToken);
            }
        }
    }

    private void Commit(IConsumer<string, byte[]> consumer, TopicPartitionOffset consumed)
    {
        try
        {
            consumer.Commit([new TopicPartitionOffset(consumed.TopicPartition, consumed.Offset + 1)]);
        }
        catch (KafkaException e)
        {
            // Typically a rebalance took the partition away: the next owner gets the message again and the
            // processed-message record makes the redelivery a no-op.
            LogCommitFailed(_logger, e, _group, consumed.Topic, consumed.Partition.Value, consumed.Offset.Value);
        }
    }

    private void Wait(TimeSpan delay, CancellationToken stoppingToken) =>
        Task.Delay(delay, _timeProvider, stoppingToken).GetAwaiter().GetResult();

    private static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(1, LogLevel.Information, "Consumer group {Group} started on {Topics}.")]
    private static partial void LogStarted(ILogger logger, string group, string topics);

    [LoggerMessage(2, LogLevel.Information, "Consumer group {Group} stopped.")]
    private static partial void LogStopped(ILogger logger, string group);

    [LoggerMessage(3, LogLevel.Debug, "Consumer group {Group} has no handler for {Type} on {Topic}; message {MessageId} is skipped.")]
    private static partial void LogIgnored(ILogger logger, string group, string type, string topic, string messageId);

    [LoggerMessage(4, LogLevel.Warning, "Consumer group {Group}: handler of {Type} failed on message {MessageId} (attempt {Attempt} of {MaxAttempts}).")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string group, string type, string messageId, int attempt, int maxAttempts);

    [LoggerMessage(5, LogLevel.Error, "Consumer group {Group}: message {Topic}[{Partition}]@{Offset} was dead-lettered to {DeadLetterTopic}.")]
    private static partial void LogDeadLettered(ILogger logger, string group, string topic, int partition, long offset, string deadLetterTopic);

    [LoggerMessage(6, LogLevel.Warning, "Consumer group {Group}: publishing to {DeadLetterTopic} failed; retrying (the offset stays uncommitted).")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string group, string deadLetterTopic);

    [LoggerMessage(7, LogLevel.Warning, "Consumer group {Group}: commit of {Topic}[{Partition}]@{Offset} failed; the message may be delivered again.")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string group, string topic, int partition, long offset);

    [LoggerMessage(8, LogLevel.Warning, "Consumer group {Group}: consume failed: {Reason}.")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string group, string reason);

    [LoggerMessage(10, LogLevel.Error, "Consumer group {Group}: the consumer failed; a new one starts in {BackoffMs} ms.")]
    private static partial void LogConsumerFailed(ILogger logger, Exception exception, string group, double backoffMs);

    [LoggerMessage(9, LogLevel.Warning, "Consumer group {Group}: closing the consumer failed.")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string group);
}
