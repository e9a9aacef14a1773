using System.Data.Common;
using Confluent.Kafka;

namespace RedBook.Clients.Kafka;

/// <summary>
/// Applies a Kafka connection string to a client configuration: either the bootstrap servers alone
/// (<c>host:port[,host:port]</c>) or <c>Key=Value;...</c> pairs with the keys <c>BootstrapServers</c>,
/// <c>SecurityProtocol</c>, <c>SaslMechanism</c>, <c>SaslUsername</c> and <c>SaslPassword</c> (values may be quoted).
/// </summary>
internal static class KafkaConnectionString
{
    public static void Apply(string? connectionString, ClientConfig config)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        if (!connectionString.Contains('=', StringComparison.Ordinal))
        {
            config.BootstrapServers = connectionString.Trim();
            return;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in builder.Keys)
        {
            var value = Convert.ToString(builder[key], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            switch (key.ToLowerInvariant())
            {
                case "bootstrapservers" or "bootstrap.servers":
                    config.BootstrapServers = value;
                    break;
                case "securityprotocol" or "security.protocol":
                    config.SecurityProtocol = ParseEnum<SecurityProtocol>(key, value);
                    break;
                case "saslmechanism" or "sasl.mechanism":
                    config.SaslMechanism = ParseEnum<SaslMechanism>(key, value);
                    break;
                case "saslusername" or "sasl.username":
                    config.SaslUsername = value;
                    break;
                case "saslpassword" or "sasl.password":
                    config.SaslPassword = value;
                    break;
                default:
                    throw new InvalidOperationException(
                        $"The Kafka connection string has an unsupported key '{key}'. Use BootstrapServers, SecurityProtocol, SaslMechanism, SaslUsername or SaslPassword, and set other options in the settings' Config section.");
            }
        }
    }

    private static T ParseEnum<T>(string key, string value)
        where T : struct, Enum =>
        Enum.TryParse<T>(value.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"The Kafka connection string's {key} '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
}
