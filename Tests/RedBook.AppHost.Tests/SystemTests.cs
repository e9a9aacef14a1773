using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace RedBook.AppHost.Tests;

public class SystemTests
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);

    [RequiresContainerRuntimeFact]
    public async Task AppHost_Starts_BffBecomesHealthyAndAnswersHealth()
    {
        using var cts = new CancellationTokenSource(s_startTimeout);
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RedBook_AppHost>(cts.Token);
        await using var app = await appHost.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);

        await app.ResourceNotifications.WaitForResourceHealthyAsync("bff", cts.Token);

        using var client = app.CreateHttpClient("bff");
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), cts.Token);
        Assert.True(response.IsSuccessStatusCode, $"GET /health answered {(int)response.StatusCode}");
    }
}
