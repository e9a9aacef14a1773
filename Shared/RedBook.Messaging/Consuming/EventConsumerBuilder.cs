using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RedBook.Messaging.Consuming;

/// <summary>Registers one consumer group's handlers, per topic and event type.</summary>
public sealed class EventConsumerBuilder
{
    private readonly IServiceCollection _services;
    private readonly Dictionary<(string Topic, string Type), Func<IServiceProvider, IntegrationEvent, CancellationToken, Task<bool>>> _routes = [];

    internal EventConsumerBuilder(IServiceCollection services, string consumerGroup)
    {
        _services = services;
        ConsumerGroup = consumerGroup;
    }

    /// <summary>The consumer group.</summary>
    public string ConsumerGroup { get; }

    /// <summary>The topics the group subscribes to (those with at least one handler).</summary>
    public IReadOnlyCollection<string> Topics => _routes.Keys.Select(static k => k.Topic).Distinct(StringComparer.Ordinal).ToArray();

    internal IReadOnlyDictionary<(string Topic, string Type), Func<IServiceProvider, IntegrationEvent, CancellationToken, Task<bool>>> Routes => _routes;

    /// <summary>
    /// Routes <paramref name="types"/> on <paramref name="topic"/> to <typeparamref name="THandler"/> (registered scoped
    /// unless already registered; resolved from a new scope per message).
    /// </summary>
    /// <exception cref="ArgumentException">No type is given, or a (topic, type) already has a handler in this group.</exception>
    public EventConsumerBuilder Handle<THandler>(string topic, params string[] types)
        where THandler : class, IIntegrationEventHandler
    {
        _services.TryAddScoped<THandler>();
        return Handle(topic, types, static (sp, e, ct) => sp.GetRequiredService<THandler>().HandleAsync(e, ct));
    }

    /// <summary>Routes <paramref name="types"/> on <paramref name="topic"/> to <paramref name="handler"/> (called with the message's scope).</summary>
    /// <exception cref="ArgumentException">No type is given, or a (topic, type) already has a handler in this group.</exception>
    public EventConsumerBuilder Handle(string topic, IReadOnlyCollection<string> types, Func<IServiceProvider, IntegrationEvent, CancellationToken, Task<bool>> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(handler);
        if (topic.EndsWith(MessageHeaders.DeadLetterSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{topic}' is a dead-letter topic; consumer groups handle the original topics.", nameof(topic));
        }

        if (types.Count == 0)
        {
            throw new ArgumentException("Name at least one event type.", nameof(types));
        }

        foreach (var type in types)
        {
            ArgumentException.ThrowIfNullOrEmpty(type, nameof(types));
            if (!_routes.TryAdd((topic, type), handler))
            {
                throw new ArgumentException($"Consumer group '{ConsumerGroup}' already has a handler for '{type}' on '{topic}'.", nameof(types));
            }
        }

        return this;
    }
}
