namespace RedBook.Testing;

/// <summary>Finds the real servers the tests start (Debian's packages): <c>/usr/bin/{name}</c>, else on PATH.</summary>
internal static class ServerBinary
{
    /// <summary>The path of <paramref name="name"/>, or an exception that says what the tests need and how to install it.</summary>
    public static string Find(string name, string installHint)
    {
        var usual = Path.Combine("/usr/bin", name);
        if (File.Exists(usual))
        {
            return usual;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"These tests need a {name} binary ({usual} or '{name}' on PATH). {installHint}");
    }
}
