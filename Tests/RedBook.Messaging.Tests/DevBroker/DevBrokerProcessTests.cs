using System.Diagnostics;
using System.Net.Sockets;
using RedBook.Kafka.DevBroker;
using RedBook.Messaging.Tests.Support;

namespace RedBook.Messaging.Tests.DevBroker;

/// <summary>The development broker as the AppHost runs it: a process that reports its address and stops on SIGTERM.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DevBrokerProcessTests
{
    [SkippableFact]
    public async Task DevBroker_FixedPortAndBootstrapFile_ReportsTheAddressAndStopsCleanlyOnSigterm()
    {
        Skip.If(OperatingSystem.IsWindows(), "SIGTERM is sent with kill(1), which Windows lacks.");
        var port = MockKafkaClusterTests.FreePort();
        var file = Path.Combine(Path.GetTempPath(), $"redbook-devbroker-{Guid.NewGuid():N}", "bootstrap.txt");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "RedBook.Kafka.DevBroker.dll"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bootstrap-file", file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            var firstLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal($"bootstrap.servers=127.0.0.1:{port}", firstLine);
            Assert.Equal($"127.0.0.1:{port}", await File.ReadAllTextAsync(file));
            using (var client = new TcpClient())
            {
                await client.ConnectAsync("127.0.0.1", port);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, process.ExitCode);
            Assert.False(File.Exists(file));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public void Commands_DownAndUp_AreApplied()
    {
        using var cluster = MockKafkaCluster.Start();

        Assert.Equal("ok: broker all down", DevBrokerCommands.Execute(cluster, "down"));
        Assert.Equal("ok: broker 1 up", DevBrokerCommands.Execute(cluster, " up 1 "));
        Assert.StartsWith("error: ", DevBrokerCommands.Execute(cluster, "up 7"), StringComparison.Ordinal);
        Assert.StartsWith("error: 'x' is not a broker id", DevBrokerCommands.Execute(cluster, "down x"), StringComparison.Ordinal);
        Assert.StartsWith("error: commands are", DevBrokerCommands.Execute(cluster, "restart"), StringComparison.Ordinal);
    }
}
