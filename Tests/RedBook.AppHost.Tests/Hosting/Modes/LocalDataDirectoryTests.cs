using Aspire.Hosting;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Modes;

public class LocalDataDirectoryTests
{
    [Fact]
    public void Root_NotConfigured_IsUnderTempNamedForTheAppHost()
    {
        var builder = ModelTesting.RunBuilder();

        var root = LocalDataDirectory.Root(builder);

        Assert.Equal(Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar), Path.GetDirectoryName(root));
        Assert.Equal($"{builder.Environment.ApplicationName.ToLowerInvariant()}-", Path.GetFileName(root)[..(builder.Environment.ApplicationName.Length + 1)]);
    }

    [Fact]
    public void Root_Configured_IsTheSettingResolvedAgainstTheAppHostDirectory()
    {
        var builder = ModelTesting.RunBuilder();
        builder.Configuration[LocalDataDirectory.ConfigurationKey] = "local-data";

        Assert.Equal(Path.Combine(builder.AppHostDirectory, "local-data"), LocalDataDirectory.Root(builder));
    }
}
