using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RedBook.AppHost.Tests.Publishing;

/// <summary>
/// The Kubernetes switch's code (AppHost/RedBook.AppHost/Publishing/KubernetesPublishing.cs) is compiled only with
/// <c>-p:RedBookKubernetes=true</c>, whose package isn't served everywhere. These tests compile that file in memory,
/// with the AppHost's implicit usings and warnings as errors, against the real Aspire.Hosting 13.6.5 and the
/// Kubernetes package's API (Aspire.Hosting.Kubernetes.api.cs.txt), so a wrong call fails here on every run.
/// </summary>
public sealed class KubernetesPublishingCompileTests
{
    private const string GlobalUsings = """
        global using Aspire.Hosting;
        global using Aspire.Hosting.ApplicationModel;
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [Fact]
    public void Compile_KubernetesPublishing_HasNoErrorsOrWarnings()
    {
        var diagnostics = Compile(File.ReadAllText(SourcePath()));

        Assert.Empty(diagnostics.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData(".WithHelm()", ".WithHelmChart()", "CS1061")]
    [InlineData("AddKubernetesEnvironment(\"k8s\")", "AddKubernetesEnvironment(8)", "CS1503")]
    [InlineData("builder.AddContainerRegistry(\"registry\", registry, builder.Configuration[\"Deployment:Repository\"]);", "builder.AddContainerRegistry(\"registry\");", "CS1501")]
    public void Compile_WrongCall_FailsWithTheCompilersError(string call, string wrongCall, string expectedError)
    {
        var source = File.ReadAllText(SourcePath());
        Assert.Contains(call, source, StringComparison.Ordinal);

        var diagnostics = Compile(source.Replace(call, wrongCall, StringComparison.Ordinal));

        Assert.Contains(diagnostics, d => d.Id == expectedError);
    }

    [Fact]
    public void Compile_WithoutTheExperimentalSuppression_FailsOnTheRegistryDiagnostic()
    {
        var source = File.ReadAllText(SourcePath()).Replace("#pragma warning disable ASPIRECOMPUTE003", "", StringComparison.Ordinal);

        Assert.Contains(Compile(source), d => d.Id == "ASPIRECOMPUTE003");
    }

    private static List<Diagnostic> Compile(string source)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Aspire.Hosting.DistributedApplication).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Configuration.IConfiguration).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Hosting.IHostEnvironment).Assembly.Location))
            .DistinctBy(r => Path.GetFileName(r.FilePath))
            .ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error);

        var api = CSharpCompilation.Create("Aspire.Hosting.Kubernetes", [CSharpSyntaxTree.ParseText(ApiSource(), parse)], references, options);
        using var apiImage = new MemoryStream();
        var emitted = api.Emit(apiImage);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));

        var appHost = CSharpCompilation.Create(
            "RedBook.AppHost.KubernetesCheck",
            [CSharpSyntaxTree.ParseText(GlobalUsings, parse), CSharpSyntaxTree.ParseText(source, parse, path: "KubernetesPublishing.cs")],
            [.. references, MetadataReference.CreateFromImage(apiImage.ToArray())],
            options);
        return [.. appHost.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];
    }

    private static string ApiSource() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Publishing", "Aspire.Hosting.Kubernetes.api.cs.txt"));

    private static string SourcePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "AppHost", "RedBook.AppHost", "Publishing", "KubernetesPublishing.cs");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No AppHost/RedBook.AppHost/Publishing/KubernetesPublishing.cs above {AppContext.BaseDirectory}.");
    }
}
