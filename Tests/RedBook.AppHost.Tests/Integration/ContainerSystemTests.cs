using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Integration;

/// <summary>The whole system in container mode; skipped with the reason where no container runtime answers.</summary>
public sealed class ContainerSystemTests
{
    [RequiresContainerRuntimeFact]
    public async Task StartAsync_ContainerMode_EveryResourceBecomesHealthy()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RedBook_AppHost>(["RedBook:AppHost:Mode=Container"], cts.Token);
        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);

        var resources = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(LocalSystemFixture.IsStarted).ToList();
        Assert.Contains(resources, r => r is RedBookMongoDBServerResource);
        Assert.Contains(resources, r => r is RedBookKafkaServerResource);
        Assert.Contains(resources, r => r is RedBookJaegerResource);
        await Task.WhenAll(resources.Select(r => app.ResourceNotifications.WaitForResourceHealthyAsync(r.Name, cts.Token)));
    }
}
