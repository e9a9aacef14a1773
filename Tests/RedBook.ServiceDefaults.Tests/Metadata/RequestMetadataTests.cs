using RedBook.ServiceDefaults.Metadata;

namespace RedBook.ServiceDefaults.Tests.Metadata;

public class RequestMetadataTests
{
    [Fact]
    public async Task Use_Scope_FlowsAcrossAwaitAndRestoresPrevious()
    {
        var outer = new RequestMetadata(new Dictionary<string, string> { ["x-md-global-color"] = "blue" }, "a");
        var inner = outer.WithGlobal("x-md-global-color", "red");

        using (RequestMetadata.Use(outer))
        {
            using (RequestMetadata.Use(inner))
            {
                await Task.Yield();
                Assert.Equal("red", RequestMetadata.Current?.Color);
            }

            Assert.Equal("blue", RequestMetadata.Current?.Color);
        }

        Assert.Null(RequestMetadata.Current);
    }

    [Fact]
    public void WithGlobal_ReturnsCopy_LeavesOriginal()
    {
        var original = new RequestMetadata(new Dictionary<string, string>(), "caller");

        var copy = original.WithGlobal("x-md-global-uid", "7");

        Assert.Null(original.UserId);
        Assert.Equal("7", copy.UserId);
        Assert.Equal("caller", copy.CallerApp);
    }

    [Fact]
    public void Constructor_NonGlobalKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new RequestMetadata(new Dictionary<string, string> { ["x-other"] = "v" }, null));
}
