using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RedBook.Kafka.DevBroker;

/// <summary>The development broker's command line.</summary>
internal sealed class DevBrokerArguments
{
    public const string Usage = """
        Usage: RedBook.Kafka.DevBroker [options]
          --port <port>               fixed loopback port of broker 1 (broker n: port + n - 1); default: ephemeral
          --brokers <n>               number of brokers, 1-16; default 1
          --topic <name[:partitions]> create a topic up front (repeatable); others are auto-created with 4 partitions
          --bootstrap-file <path>     also write the bootstrap address to this file (removed on exit)
          --rebalance-delay-ms <ms>   consumer groups' initial rebalance delay; default 3000 (librdkafka's)
          --commands                  read commands from stdin: 'down [id]', 'up [id]' (fault injection)
          --help                      show this text
        Prints 'bootstrap.servers=<host:port,...>' on stdout when ready; runs until Ctrl+C or SIGTERM.
        """;

    public MockKafkaClusterOptions Options { get; } = new();

    public string? BootstrapFile { get; private set; }

    public bool ReadCommands { get; private set; }

    public bool ShowHelp { get; private set; }

    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out DevBrokerArguments? arguments, [NotNullWhen(false)] out string? error)
    {
        arguments = new DevBrokerArguments();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--help" or "-h" or "-?":
                    arguments.ShowHelp = true;
                    continue;
                case "--commands":
                    arguments.ReadCommands = true;
                    continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"'{name}' needs a value.";
                break;
            }

            var value = args[++i];
            switch (name)
            {
                case "--port" when TryInt(value, 1, 65535, out var port):
                    arguments.Options.Port = port;
                    break;
                case "--brokers" when TryInt(value, 1, 16, out var brokers):
                    arguments.Options.Brokers = brokers;
                    break;
                case "--rebalance-delay-ms" when TryInt(value, 0, 300_000, out var delay):
                    arguments.Options.GroupInitialRebalanceDelayMs = delay;
                    break;
                case "--bootstrap-file" when value.Length > 0:
                    arguments.BootstrapFile = value;
                    break;
                case "--topic" when TryTopic(value, out var topic, out var partitions):
                    arguments.Options.Topics[topic] = partitions;
                    break;
                case "--port" or "--brokers" or "--rebalance-delay-ms" or "--bootstrap-file" or "--topic":
                    error = $"'{value}' is not a valid value for {name}.";
                    break;
                default:
                    error = $"Unknown option '{name}'.";
                    break;
            }

            if (error is not null)
            {
                break;
            }
        }

        if (error is null && arguments.Options.Port is { } fixedPort && fixedPort + arguments.Options.Brokers - 1 > 65535)
        {
            error = $"--port {fixedPort} leaves no room for {arguments.Options.Brokers} brokers below 65536.";
        }

        if (error is not null)
        {
            arguments = null;
            return false;
        }

        return true;
    }

    private static bool TryInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static bool TryTopic(string value, out string topic, out int partitions)
    {
        var colon = value.LastIndexOf(':');
        topic = colon < 0 ? value : value[..colon];
        partitions = 4;
        return topic.Length > 0
            && topic.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            && (colon < 0 || TryInt(value[(colon + 1)..], 1, 1000, out partitions));
    }
}
