using Microsoft.Playwright;

namespace RedBook.AppHost.Tests.Integration;

/// <summary>
/// The dashboard seen in a real browser: headless Chromium (Debian's <c>chromium</c>, driven by Playwright with its
/// executable path, since Playwright can't download a browser here) logs in with the fixture's browser token, waits
/// until every resource row says Running, and takes a screenshot (docs/images/dashboard.png is one).
/// </summary>
[Collection(LocalSystemCollection.Name)]
public sealed class DashboardBrowserTests(LocalSystemFixture fixture)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_LoggedIn_ShowsEveryResourceRunning()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium ('sudo apt-get install -y chromium').");
        var userData = Directory.CreateTempSubdirectory("redbook-chromium-");
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(userData.FullName, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                ViewportSize = new() { Width = 1600, Height = 900 },
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
            var page = await browser.NewPageAsync();
            Assert.Equal($"?t={fixture.BrowserToken}", fixture.DashboardLoginUrl.Query);
            await page.GotoAsync(fixture.DashboardLoginUrl.ToString());

            var names = fixture.ShownResources.Select(r => r.Name).ToList();
            Assert.Contains("bff", names);
            try
            {
                foreach (var name in names)
                {
                    // The resources page's grid: one row per resource (replicas are child rows), its state in a cell.
                    var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name }).First;
                    await Assertions.Expect(row).ToContainTextAsync("Running", new() { Timeout = 60_000 });
                }
            }
            catch (PlaywrightException)
            {
                // What the browser saw, beside the test assembly, for whoever reads the failure.
                await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-failure.png"), FullPage = true });
                await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "dashboard-failure.html"), await page.ContentAsync());
                throw;
            }

            await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("resources", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
            var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
        }
        finally
        {
            userData.Delete(recursive: true);
        }
    }
}
