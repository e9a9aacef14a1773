using RedBook.ServiceDefaults.Etcd.Configuration;

namespace RedBook.ServiceDefaults.Tests.Etcd.Configuration;

public sealed class EtcdConfigurationKeysTests
{
    [Theory]
    [InlineData("RedBook/Breaker/K", "RedBook:Breaker:K")]
    [InlineData("Logging/LogLevel/Default", "Logging:LogLevel:Default")]
    [InlineData("Flat", "Flat")]
    [InlineData("List/0", "List:0")]
    public void TryMap_SlashSeparatedPath_MapsToColons(string relative, string expected)
    {
        Assert.True(EtcdConfigurationKeys.TryMap(relative, out var key));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/Leading")]
    [InlineData("Trailing/")]
    [InlineData("Double//Slash")]
    [InlineData("Has:Colon")]
    public void TryMap_MalformedPath_DoesNotMap(string relative) =>
        Assert.False(EtcdConfigurationKeys.TryMap(relative, out _));

    [Theory]
    [InlineData("feed", true)]
    [InlineData("_global", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidAppName_Candidates_AcceptsOnlyPlainNames(string? app, bool expected) =>
        Assert.Equal(expected, EtcdConfigurationKeys.IsValidAppName(app));

    [Fact]
    public void PrefixOf_App_IsUnderTheRoot() =>
        Assert.Equal("/redbook/config/feed/", EtcdConfigurationKeys.PrefixOf("feed"));
}
