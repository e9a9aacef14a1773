using Microsoft.Extensions.Configuration;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Modes;

public class RedBookRunModeResolverTests
{
    [Theory]
    [InlineData("Local", true, RedBookRunMode.Local)]
    [InlineData("local", true, RedBookRunMode.Local)]
    [InlineData("Container", false, RedBookRunMode.Container)]
    public void Resolve_Forced_IgnoresTheRuntime(string setting, bool runtimeAnswers, RedBookRunMode expected)
    {
        var probed = false;
        var resolution = RedBookRunModeResolver.Resolve(Configuration(setting), isPublishMode: false, _ => (probed = true, "docker") is var _ ? (runtimeAnswers, "docker") : default);

        Assert.Equal(expected, resolution.Mode);
        Assert.False(probed);
        Assert.Contains("RedBook:AppHost:Mode", resolution.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true, RedBookRunMode.Container)]
    [InlineData(null, false, RedBookRunMode.Local)]
    [InlineData("Auto", true, RedBookRunMode.Container)]
    [InlineData(" auto ", false, RedBookRunMode.Local)]
    public void Resolve_Automatic_FollowsTheRuntime(string? setting, bool runtimeAnswers, RedBookRunMode expected)
    {
        var resolution = RedBookRunModeResolver.Resolve(Configuration(setting), isPublishMode: false, _ => (runtimeAnswers, "podman"));

        Assert.Equal(expected, resolution.Mode);
        Assert.Contains("podman", resolution.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PublishMode_IsAlwaysContainer()
    {
        var resolution = RedBookRunModeResolver.Resolve(Configuration("Local"), isPublishMode: true, _ => throw new InvalidOperationException("publishing never probes"));

        Assert.Equal(RedBookRunMode.Container, resolution.Mode);
    }

    [Fact]
    public void Resolve_UnknownSetting_ThrowsNamingTheKey()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => RedBookRunModeResolver.Resolve(Configuration("Kubernetes"), isPublishMode: false, _ => (true, "docker")));

        Assert.Contains("RedBook:AppHost:Mode", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeContainerRuntime_MissingProgram_DoesNotAnswer()
    {
        var (answers, runtime) = RedBookRunModeResolver.ProbeContainerRuntime(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ASPIRE_CONTAINER_RUNTIME"] = "redbook-no-such-runtime" })
            .Build());

        Assert.False(answers);
        Assert.Equal("redbook-no-such-runtime", runtime);
    }

    private static IConfiguration Configuration(string? mode) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [RedBookRunModeResolver.ModeKey] = mode })
        .Build();
}
