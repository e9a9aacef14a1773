// Facade of NuGet package Confluent.Kafka 2.14.0, assembly Confluent.Kafka.
// Read from confluentinc/confluent-kafka-dotnet tag v2.14.0: src/Confluent.Kafka/ProducerBuilder.cs,
// ConsumerBuilder.cs, IProducer.cs, IConsumer.cs, IClient.cs, Message.cs, MessageMetadata.cs,
// DeliveryResult.cs, Config.cs, Config_gen.cs.
// The library is not nullable-annotated, so these declarations are nullable-oblivious as well.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable disable
using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Confluent.Kafka
{
    public enum Acks : int
    {
        None = 0,
        Leader = 1,
        All = -1
    }

    public enum AutoOffsetReset
    {
        Latest,
        Earliest,
        Error
    }

    public class Config : IEnumerable<KeyValuePair<string, string>>
    {
        public Config() { }

        public void Set(string key, string val) { }

        public string Get(string key) => throw null;

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => throw null;

        IEnumerator IEnumerable.GetEnumerator() => throw null;
    }

    public class ClientConfig : Config
    {
        public ClientConfig() { }

        public Acks? Acks { get => throw null; set { } }

        public string BootstrapServers { get => throw null; set { } }

        public string ClientId { get => throw null; set { } }
    }

    public class ConsumerConfig : ClientConfig
    {
        public ConsumerConfig() { }

        public AutoOffsetReset? AutoOffsetReset { get => throw null; set { } }

        public bool? EnableAutoCommit { get => throw null; set { } }

        public string GroupId { get => throw null; set { } }
    }

    public class ProducerConfig : ClientConfig
    {
        public ProducerConfig() { }

        public bool? EnableIdempotence { get => throw null; set { } }
    }

    public class ConsumerBuilder<TKey, TValue>
    {
        public ConsumerBuilder(IEnumerable<KeyValuePair<string, string>> config) { }

        public virtual IConsumer<TKey, TValue> Build() => throw null;
    }

    public class ProducerBuilder<TKey, TValue>
    {
        public ProducerBuilder(IEnumerable<KeyValuePair<string, string>> config) { }

        public virtual IProducer<TKey, TValue> Build() => throw null;
    }

    public class DeliveryResult<TKey, TValue>
    {
        public DeliveryResult() { }

        public string Topic { get; set; }

        public Message<TKey, TValue> Message { get; set; }

        public TKey Key { get => throw null; set { } }

        public TValue Value { get => throw null; set { } }
    }

    public interface IClient : IDisposable
    {
        string Name { get; }
    }

    public interface IConsumer<TKey, TValue> : IClient
    {
        void Subscribe(string topic);

        void Close();
    }

    public interface IProducer<TKey, TValue> : IClient
    {
        Task<DeliveryResult<TKey, TValue>> ProduceAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default(CancellationToken));

        int Flush(TimeSpan timeout);
    }

    public class Message<TKey, TValue> : MessageMetadata
    {
        public Message() { }

        public TKey Key { get; set; }

        public TValue Value { get; set; }
    }

    public class MessageMetadata
    {
        public MessageMetadata() { }
    }
}
