using Microsoft.AspNetCore.Builder;

namespace Daalu.Router.Hosting;

/// <summary>A started router: its base URL (http://127.0.0.1:port) and the app, to stop and dispose.</summary>
public sealed class RunningRouter(WebApplication app, string baseUrl) : IAsyncDisposable
{
    /// <summary>The app (for its services).</summary>
    public WebApplication App { get; } = app;

    /// <summary>Base URL without a trailing slash.</summary>
    public string BaseUrl { get; } = baseUrl;

    /// <summary>Services of the running router.</summary>
    public IServiceProvider Services => App.Services;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
