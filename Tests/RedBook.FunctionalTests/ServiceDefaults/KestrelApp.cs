using Microsoft.AspNetCore.Builder;
using RedBook.LoadLab.Infrastructure;

namespace RedBook.FunctionalTests.ServiceDefaults;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) with the service defaults, and a client for it: the load lab's
/// <see cref="LoopbackService"/> with the functional tests' settings (logging on, the test's registrations before
/// <c>AddServiceDefaults</c>, and a generous default deadline unless a test sets one).
/// </summary>
internal sealed class KestrelApp : IAsyncDisposable
{
    private readonly LoopbackService _service;

    private KestrelApp(LoopbackService service)
    {
        _service = service;
        Client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App => _service.App;

    public HttpClient Client { get; }

    public Uri BaseAddress => _service.Address;

    public static async Task<KestrelApp> StartAsync(
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? configure = null,
        IDictionary<string, string?>? settings = null)
    {
        // The machine is shared and noisy: the default deadline is generous unless a test sets it.
        var configuration = new Dictionary<string, string?> { ["RedBook:Server:DefaultTimeout"] = "00:00:30" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var service = await LoopbackService.StartAsync(map, new LoopbackServiceOptions
        {
            Configure = configure,
            Configuration = configuration,
            ConfigureBeforeDefaults = true,
            Logging = true,
        });
        return new KestrelApp(service);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _service.DisposeAsync();
    }
}
