using Microsoft.Playwright;

namespace Daalu.Console.Tests.Infrastructure;

/// <summary>
/// Debian's chromium driven by Microsoft.Playwright (the tool's own browser download cannot work here), launched as
/// the issue asks: /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking. Tests skip
/// with a one-line reason when /usr/bin/chromium is absent (.ci/run installs it: apt-get install chromium).
/// </summary>
public sealed class BrowserHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static string? SkipReason => File.Exists(ChromiumPath) ? null : $"{ChromiumPath} not found: apt-get install -y chromium";

    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    /// <summary>Where screenshots go: the test output directory's console-screenshots/ (a test artifact).</summary>
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        Directory.CreateDirectory(ScreenshotDir);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
    }
}
