using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Tests.Errors;

public class RedBookErrorTranslationTests
{
    [Theory]
    [InlineData(ErrorCode.InvalidArgument)]
    [InlineData(ErrorCode.OutOfRange)]
    [InlineData(ErrorCode.Unauthenticated)]
    public void ForCaller_DependencyBlamesUs_BecomesInternal(ErrorCode code)
    {
        var exception = new RedBookException(new RedBookError(code, "MALL_BAD_SKU", "bad sku")) { FromDependency = true };

        var error = RedBookErrorTranslation.ForCaller(exception);

        Assert.Equal(ErrorCode.Internal, error.Code);
        Assert.Equal(WellKnownReasons.Internal, error.Reason);
        Assert.DoesNotContain("sku", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ForCaller_DependencyOverloaded_PassesThroughUnchanged()
    {
        var overloaded = RedBookErrors.Overloaded("busy", 1000);
        var exception = new RedBookException(overloaded) { FromDependency = true };

        Assert.Same(overloaded, RedBookErrorTranslation.ForCaller(exception));
    }

    [Fact]
    public void ForCaller_DependencyNotFound_PassesThrough()
    {
        var notFound = new RedBookError(ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND", "gone");

        Assert.Same(notFound, RedBookErrorTranslation.ForCaller(new RedBookException(notFound) { FromDependency = true }));
    }

    [Fact]
    public void ForCaller_OwnInvalidArgument_IsNotTranslated()
    {
        var own = RedBookErrors.InvalidArgument("id", "bad id");

        Assert.Same(own, RedBookErrorTranslation.ForCaller(new RedBookException(own)));
    }
}
