using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Tests.Testing;

namespace RedBook.ServiceDefaults.Tests.Discovery;

public sealed class EndpointColorFilterTests
{
    private static ServiceEndpoint Endpoint(string id, string? color = null) => TestEndpoints.Create($"http://{id}:80", id, color);

    private static readonly ServiceEndpoint[] s_mixed = [Endpoint("a"), Endpoint("b", "red"), Endpoint("c"), Endpoint("d", "RED"), Endpoint("e", "blue")];

    private static string[] Ids(IReadOnlyList<ServiceEndpoint> endpoints) => endpoints.Select(e => e.Id()!).ToArray();

    [Fact]
    public void Filter_UncoloredRequest_GetsOnlyUncoloredInstances() =>
        Assert.Equal(["a", "c"], Ids(EndpointColorFilter.Filter(s_mixed, null)));

    [Fact]
    public void Filter_EmptyColor_IsTreatedAsUncolored() =>
        Assert.Equal(["a", "c"], Ids(EndpointColorFilter.Filter(s_mixed, string.Empty)));

    [Fact]
    public void Filter_ColoredRequest_GetsOnlyInstancesOfItsColorIgnoringCase() =>
        Assert.Equal(["b", "d"], Ids(EndpointColorFilter.Filter(s_mixed, "Red")));

    [Fact]
    public void Filter_ColorWithoutInstances_FallsBackToUncolored() =>
        Assert.Equal(["a", "c"], Ids(EndpointColorFilter.Filter(s_mixed, "green")));

    [Fact]
    public void Filter_ColorWithoutInstancesAndNoFallback_ReturnsEmpty() =>
        Assert.Empty(EndpointColorFilter.Filter(s_mixed, "green", fallbackToUncolored: false));

    [Fact]
    public void Filter_UncoloredRequestAndOnlyColoredInstances_ReturnsEmpty() =>
        Assert.Empty(EndpointColorFilter.Filter([Endpoint("x", "red")], null));

    [Fact]
    public void Filter_EveryInstanceQualifies_ReturnsTheSameListWithoutCopying()
    {
        ServiceEndpoint[] plain = [Endpoint("a"), Endpoint("b")];

        Assert.Same(plain, EndpointColorFilter.Filter(plain, null));
        Assert.Same(plain, EndpointColorFilter.Filter(plain, "red"));
    }

    [Fact]
    public void Filter_NoEndpoints_ReturnsThem()
    {
        ServiceEndpoint[] none = [];

        Assert.Same(none, EndpointColorFilter.Filter(none, "red"));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "red", false)]
    [InlineData("red", null, false)]
    [InlineData("red", "RED", true)]
    [InlineData("red", "blue", false)]
    public void Matches_Pairs_FollowsTheColorRule(string? endpointColor, string? requestColor, bool expected) =>
        Assert.Equal(expected, EndpointColorFilter.Matches(endpointColor, requestColor));
}
