using System.ComponentModel.DataAnnotations;
using RedBook.ServiceDefaults.Etcd.Registry;

namespace RedBook.ServiceDefaults.Tests.Etcd.Registry;

public sealed class EtcdServiceRegistrarTests
{
    [Theory]
    [InlineData("http://+:8080", "http://node1:8080")]
    [InlineData("http://*:80/", "http://node1:80/")]
    [InlineData("https://0.0.0.0:443", "https://node1:443")]
    [InlineData("http://[::]:5000", "http://node1:5000")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    [InlineData("http://+feed:80", "http://+feed:80")]
    [InlineData("not a url", "not a url")]
    public void ReplaceWildcardHost_ListenAddresses_ReplacesOnlyWildcards(string address, string expected) =>
        Assert.Equal(expected, EtcdServiceRegistrar.ReplaceWildcardHost(address, "node1"));

    [Theory]
    [InlineData("feed", 100, true)]
    [InlineData("feed-api.v2", 1, true)]
    [InlineData("feed/api", 100, false)]
    [InlineData("", 100, false)]
    [InlineData("feed", 0, false)]
    [InlineData("feed", 1001, false)]
    public void Options_Validation_AcceptsOnlyUsableNamesAndWeights(string name, int weight, bool valid)
    {
        var options = new EtcdRegistrationOptions { Name = name, Weight = weight };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }

    [Fact]
    public void Options_LeaseTtlBelowTwoSeconds_IsInvalid()
    {
        var options = new EtcdRegistrationOptions { Name = "feed", LeaseTtl = TimeSpan.FromSeconds(1) };

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }

    [Fact]
    public void KeyOf_NameAndInstance_IsUnderTheServicesPrefix() =>
        Assert.Equal("/redbook/services/feed/node1-ab12", EtcdServiceRecord.KeyOf("feed", "node1-ab12"));
}
