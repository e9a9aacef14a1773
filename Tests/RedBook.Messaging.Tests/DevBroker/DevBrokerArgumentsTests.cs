using RedBook.Kafka.DevBroker;

namespace RedBook.Messaging.Tests.DevBroker;

public sealed class DevBrokerArgumentsTests
{
    [Fact]
    public void TryParse_AllOptions_AreRead()
    {
        Assert.True(DevBrokerArguments.TryParse(
            ["--port", "9092", "--brokers", "3", "--topic", "feed.notes:2", "--topic", "shop.orders", "--bootstrap-file", "/tmp/kafka.txt", "--rebalance-delay-ms", "100", "--commands"],
            out var arguments, out var error));

        Assert.Null(error);
        Assert.Equal(9092, arguments.Options.Port);
        Assert.Equal(3, arguments.Options.Brokers);
        Assert.Equal(new Dictionary<string, int> { ["feed.notes"] = 2, ["shop.orders"] = 4 }, arguments.Options.Topics);
        Assert.Equal("/tmp/kafka.txt", arguments.BootstrapFile);
        Assert.Equal(100, arguments.Options.GroupInitialRebalanceDelayMs);
        Assert.True(arguments.ReadCommands);
        Assert.False(arguments.ShowHelp);
    }

    [Fact]
    public void TryParse_NoArguments_DefaultsToOneEphemeralBroker()
    {
        Assert.True(DevBrokerArguments.TryParse([], out var arguments, out _));

        Assert.Null(arguments.Options.Port);
        Assert.Equal(1, arguments.Options.Brokers);
        Assert.Null(arguments.BootstrapFile);
    }

    [Theory]
    [InlineData(new[] { "--port", "0" }, "'0' is not a valid value for --port")]
    [InlineData(new[] { "--port", "abc" }, "'abc' is not a valid value for --port")]
    [InlineData(new[] { "--brokers", "17" }, "'17' is not a valid value for --brokers")]
    [InlineData(new[] { "--topic", "bad topic" }, "'bad topic' is not a valid value for --topic")]
    [InlineData(new[] { "--topic", "t:0" }, "'t:0' is not a valid value for --topic")]
    [InlineData(new[] { "--port" }, "'--port' needs a value")]
    [InlineData(new[] { "--verbose", "1" }, "Unknown option '--verbose'")]
    [InlineData(new[] { "--port", "65535", "--brokers", "2" }, "leaves no room for 2 brokers")]
    public void TryParse_BadArguments_FailWithTheReason(string[] args, string reason)
    {
        Assert.False(DevBrokerArguments.TryParse(args, out var arguments, out var error));

        Assert.Null(arguments);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Help_IsShown()
    {
        Assert.True(DevBrokerArguments.TryParse(["--help"], out var arguments, out _));
        Assert.True(arguments.ShowHelp);
    }
}
