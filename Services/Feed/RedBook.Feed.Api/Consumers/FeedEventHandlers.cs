using RedBook.Feed.Core;
using RedBook.Messaging.Consuming;

namespace RedBook.Feed.Api.Consumers;

/// <summary>
/// The <c>feed-counters</c> group's handler of <c>feed.notes</c>: likes, unlikes, comments and comment deletions move
/// the note's counters, once per message (the processed-message record commits with the counter change).
/// </summary>
internal sealed class NoteCountersHandler(FeedService feed) : IIntegrationEventHandler
{
    public Task<bool> HandleAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return feed.ApplyNoteEventAsync(integrationEvent.MessageId, integrationEvent.Type, integrationEvent.Payload, cancellationToken);
    }
}
//#if (IncludeMall)

/// <summary>
/// The <c>feed-sales</c> group's handler of <c>mall.orders</c>: a placed order adds its quantities to the products'
/// sales, a cancelled one takes them back, once per message.
/// </summary>
internal sealed class ProductSalesHandler(FeedService feed) : IIntegrationEventHandler
{
    public Task<bool> HandleAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return feed.ApplyMallOrderEventAsync(integrationEvent.MessageId, integrationEvent.Type, integrationEvent.Payload, cancellationToken);
    }
}
//#endif
