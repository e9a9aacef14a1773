using System.Globalization;
using System.Runtime.InteropServices;
using RedBook.Kafka.DevBroker;

// The development Kafka broker: librdkafka's mock cluster on loopback until SIGTERM, SIGINT (Ctrl+C) or SIGQUIT.
// It prints "bootstrap.servers=<address>" on stdout once it accepts connections, and writes the address to
// --bootstrap-file when given (removed again on exit). See docs/messaging.md.

if (!DevBrokerArguments.TryParse(args, out var arguments, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(DevBrokerArguments.Usage);
    return 2;
}

if (arguments.ShowHelp)
{
    Console.WriteLine(DevBrokerArguments.Usage);
    return 0;
}

MockKafkaCluster cluster;
try
{
    cluster = MockKafkaCluster.Start(arguments.Options);
}
catch (Exception e) when (e is DllNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"The development Kafka broker could not start: {e.Message}");
    return 1;
}

using (cluster)
{
    var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);

    if (arguments.BootstrapFile is { } file)
    {
        // Written to a temporary name and moved, so a reader never sees a partial address.
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(file)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, cluster.BootstrapServers);
        File.Move(temporary, file, overwrite: true);
    }

    Console.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Kafka mock cluster (librdkafka {MockKafkaCluster.LibrdkafkaVersion}, {cluster.BrokerCount} broker(s), native library {LibRdKafkaNative.LoadedPath}) is ready; stop it with Ctrl+C or SIGTERM."));

    if (arguments.ReadCommands)
    {
        _ = Task.Run(() => DevBrokerCommands.RunAsync(cluster, Console.In, Console.Out, stopped.Task));
    }

    await stopped.Task;
    Console.WriteLine("Stopping the Kafka mock cluster.");
    if (arguments.BootstrapFile is { } written)
    {
        File.Delete(written);
    }

    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        stopped.TrySetResult();
    }
}

return 0;
