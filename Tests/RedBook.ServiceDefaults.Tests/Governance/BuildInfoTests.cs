using System.Reflection;
using System.Reflection.Emit;
using RedBook.ServiceDefaults.Governance;

namespace RedBook.ServiceDefaults.Tests.Governance;

public class BuildInfoTests
{
    [Fact]
    public void FromAssembly_NoStampedFacts_FallsBackToUnknown()
    {
        var builder = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Unstamped") { Version = new Version(2, 3, 4) }, AssemblyBuilderAccess.Run);

        var info = BuildInfo.FromAssembly(builder);

        Assert.Equal(new BuildInfo("2.3.4.0", BuildInfo.Unknown, BuildInfo.Unknown, "Unstamped"), info);
    }

    [Fact]
    public void FromAssembly_Stamped_ReadsMetadataAndStripsCommitSuffix()
    {
        var builder = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Stamped"), AssemblyBuilderAccess.Run);
        builder.SetCustomAttribute(Attribute<AssemblyInformationalVersionAttribute>("1.2.0+abc123"));
        builder.SetCustomAttribute(Attribute<AssemblyMetadataAttribute>(BuildInfo.BuildTimeKey, "2026-11-22T00:00:00Z"));

        var info = BuildInfo.FromAssembly(builder);

        Assert.Equal("1.2.0", info.Version);
        Assert.Equal("abc123", info.Commit);
        Assert.Equal("2026-11-22T00:00:00Z", info.BuildTime);
    }

    private static CustomAttributeBuilder Attribute<T>(params string[] arguments) =>
        new(typeof(T).GetConstructor(arguments.Select(_ => typeof(string)).ToArray())!, arguments);
}
