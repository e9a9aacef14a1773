using System.Text;
using RedBook.ServiceDefaults.Etcd.Client;

namespace RedBook.ServiceDefaults.Tests.Etcd.Client;

public sealed class EtcdKeysTests
{
    [Theory]
    [InlineData("/redbook/services/", "/redbook/services0")]
    [InlineData("a", "b")]
    public void PrefixEnd_Text_IncrementsTheLastByte(string prefix, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(EtcdKeys.PrefixEnd(Encoding.UTF8.GetBytes(prefix))));

    [Fact]
    public void PrefixEnd_TrailingFF_DropsItAndIncrementsTheByteBefore() =>
        Assert.Equal(new byte[] { 0x62 }, EtcdKeys.PrefixEnd([0x61, 0xff]));

    [Fact]
    public void PrefixEnd_AllFF_IsTheEndOfTheKeyspace() =>
        Assert.Equal(new byte[] { 0 }, EtcdKeys.PrefixEnd([0xff, 0xff]));

    [Fact]
    public void TryDecode_InvalidUtf8_ReturnsFalse() =>
        Assert.False(EtcdKeyValue.TryDecode([0xC3, 0x28], out _));

    [Fact]
    public void TryDecode_ValidUtf8_ReturnsTheText()
    {
        Assert.True(EtcdKeyValue.TryDecode(Encoding.UTF8.GetBytes("小红书"), out var text));
        Assert.Equal("小红书", text);
    }
}
