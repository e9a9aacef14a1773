// Facade of NuGet package Aspire.Confluent.Kafka 13.5.2, assembly Aspire.Confluent.Kafka.
// Read from microsoft/aspire tag v13.5.2: src/Components/Aspire.Confluent.Kafka/api/Aspire.Confluent.Kafka.cs.
// All producer and consumer overloads are declared, so that overload resolution (and its
// ambiguities, e.g. passing a bare null) matches the real package. Bodies throw.
// Never referenced by shipped projects.
#nullable enable

namespace Aspire.Confluent.Kafka
{
    public sealed partial class KafkaConsumerSettings
    {
        public global::Confluent.Kafka.ConsumerConfig Config => throw null!;

        public string? ConnectionString { get => throw null!; set { } }

        public bool DisableHealthChecks { get => throw null!; set { } }

        public bool DisableMetrics { get => throw null!; set { } }

        public bool DisableTracing { get => throw null!; set { } }
    }

    public sealed partial class KafkaProducerSettings
    {
        public global::Confluent.Kafka.ProducerConfig Config => throw null!;

        public string? ConnectionString { get => throw null!; set { } }

        public bool DisableHealthChecks { get => throw null!; set { } }

        public bool DisableMetrics { get => throw null!; set { } }

        public bool DisableTracing { get => throw null!; set { } }
    }
}

namespace Microsoft.Extensions.Hosting
{
    public static partial class AspireKafkaConsumerExtensions
    {
        public static void AddKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.Confluent.Kafka.KafkaConsumerSettings>? configureSettings, System.Action<global::Confluent.Kafka.ConsumerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.Confluent.Kafka.KafkaConsumerSettings>? configureSettings, System.Action<System.IServiceProvider, global::Confluent.Kafka.ConsumerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.Confluent.Kafka.KafkaConsumerSettings>? configureSettings) { }

        public static void AddKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<global::Confluent.Kafka.ConsumerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<System.IServiceProvider, global::Confluent.Kafka.ConsumerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName) { }
    }

    public static partial class AspireKafkaProducerExtensions
    {
        public static void AddKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.Confluent.Kafka.KafkaProducerSettings>? configureSettings, System.Action<global::Confluent.Kafka.ProducerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.Confluent.Kafka.KafkaProducerSettings>? configureSettings, System.Action<System.IServiceProvider, global::Confluent.Kafka.ProducerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.Confluent.Kafka.KafkaProducerSettings>? configureSettings) { }

        public static void AddKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<global::Confluent.Kafka.ProducerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName, System.Action<System.IServiceProvider, global::Confluent.Kafka.ProducerBuilder<TKey, TValue>>? configureBuilder) { }

        public static void AddKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName) { }
    }
}
