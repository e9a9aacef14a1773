namespace RedBook.Messaging.Tests.Support;

/// <summary>
/// Tests that run mock Kafka clusters and clients share one collection, so they run one at a time on the 2-core
/// machine and the process-wide meters they observe see one test's traffic only.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection
{
    public const string Name = "Kafka";
}
