using System.Globalization;

namespace RedBook.Kafka.DevBroker;

/// <summary>The development broker's stdin commands for fault injection: <c>down [id]</c> and <c>up [id]</c>.</summary>
internal static class DevBrokerCommands
{
    public static async Task RunAsync(MockKafkaCluster cluster, TextReader input, TextWriter output, Task stopped)
    {
        while (!stopped.IsCompleted)
        {
            var line = await input.ReadLineAsync().ConfigureAwait(false);
            if (line is null)
            {
                return; // stdin closed: keep running, stop taking commands.
            }

            output.WriteLine(Execute(cluster, line));
        }
    }

    internal static string Execute(MockKafkaCluster cluster, string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is 0 or > 2 || parts[0] is not ("down" or "up"))
        {
            return "error: commands are 'down [broker id]' and 'up [broker id]'";
        }

        var brokerId = -1;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out brokerId))
        {
            return $"error: '{parts[1]}' is not a broker id";
        }

        try
        {
            if (parts[0] == "down")
            {
                cluster.SetBrokerDown(brokerId);
            }
            else
            {
                cluster.SetBrokerUp(brokerId);
            }

            return $"ok: broker {(brokerId == -1 ? "all" : brokerId.ToString(CultureInfo.InvariantCulture))} {parts[0]}";
        }
        catch (ArgumentOutOfRangeException e)
        {
            return $"error: {e.Message}";
        }
    }
}
