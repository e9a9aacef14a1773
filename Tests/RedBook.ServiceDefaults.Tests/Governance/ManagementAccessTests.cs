using System.Net;
using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Governance;

namespace RedBook.ServiceDefaults.Tests.Governance;

public class ManagementAccessTests
{
    private static DefaultHttpContext Context(string remote, int localPort)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Connection.LocalPort = localPort;
        return context;
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("203.0.113.7", false)]
    public void IsAllowed_NoManagementPort_OnlyLoopback(string remote, bool allowed) =>
        Assert.Equal(allowed, ManagementAccess.IsAllowed(Context(remote, 8080), null));

    [Theory]
    [InlineData("10.0.0.5", 9090, true)]
    [InlineData("127.0.0.1", 8080, false)]
    [InlineData("10.0.0.5", 8080, false)]
    public void IsAllowed_ManagementPort_OnlyThatPort(string remote, int localPort, bool allowed) =>
        Assert.Equal(allowed, ManagementAccess.IsAllowed(Context(remote, localPort), 9090));

    [Fact]
    public void IsAllowed_NoRemoteAddress_Denied() =>
        Assert.False(ManagementAccess.IsAllowed(new DefaultHttpContext(), null));
}
