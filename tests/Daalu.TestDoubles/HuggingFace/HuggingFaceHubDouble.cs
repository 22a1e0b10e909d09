using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daalu.TestDoubles.HuggingFace;

/// <summary>
/// Stands for the Hugging Face Hub's file endpoint, as huggingface_hub and vLLM's download use it:
/// <c>GET|HEAD /{owner}/{name}/resolve/{revision}/{file}</c>, <c>Authorization: Bearer &lt;token&gt;</c>. As the real Hub
/// does: a missing repository or file is 404 (with <c>X-Error-Code: EntryNotFound</c> or <c>RepoNotFound</c>); a
/// gated repository answers 401 without a token and 403 to a token without access; a file stored in LFS (the
/// safetensors weights) answers HEAD with its size in <c>X-Linked-Size</c>. Revisions: <c>main</c> and those a repository
/// lists (an unknown one is 404 with <c>X-Error-Code: RevisionNotFound</c>).
/// Real HTTP on 127.0.0.1.
/// </summary>
public sealed class HuggingFaceHubDouble : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HubRepository> _repositories = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, string Path, string? Authorization)> _requests = new();
    private WebApplication? _app;

    /// <summary>Creates a double serving <paramref name="repositories"/>.</summary>
    public HuggingFaceHubDouble(IEnumerable<HubRepository> repositories)
    {
        ArgumentNullException.ThrowIfNull(repositories);
        foreach (var repository in repositories)
        {
            _repositories[repository.Id] = repository;
        }
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:12345/.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Requests seen: method, path and Authorization header.</summary>
    public IReadOnlyList<(string Method, string Path, string? Authorization)> Requests => [.. _requests];

    /// <summary>Starts a double on a free port.</summary>
    public static async Task<HuggingFaceHubDouble> StartNewAsync(IEnumerable<HubRepository> repositories)
    {
        var hub = new HuggingFaceHubDouble(repositories);
        await hub.StartAsync().ConfigureAwait(false);
        return hub;
    }

    /// <summary>Starts listening on a free port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapMethods("/{owner}/{name}/resolve/{revision}/{**file}", ["GET", "HEAD"], Serve);
        await _app.StartAsync().ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = new Uri(address.TrimEnd('/') + "/");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    private IResult Serve(HttpContext context, string owner, string name, string revision, string file)
    {
        var authorization = context.Request.Headers.Authorization.FirstOrDefault();
        _requests.Enqueue((context.Request.Method, context.Request.Path.Value ?? string.Empty, authorization));
        if (!_repositories.TryGetValue($"{owner}/{name}", out var repository))
        {
            context.Response.Headers["X-Error-Code"] = "RepoNotFound";
            return Results.Text("Repository Not Found", statusCode: StatusCodes.Status404NotFound);
        }

        // huggingface_hub turns this error code into RevisionNotFoundError (its utils/_http.py, hf_raise_for_status).
        if (!repository.HasRevision(revision))
        {
            context.Response.Headers["X-Error-Code"] = "RevisionNotFound";
            return Results.Text($"Invalid rev id: {revision}", statusCode: StatusCodes.Status404NotFound);
        }

        if (repository.GatedToken is { } gated)
        {
            if (string.IsNullOrEmpty(authorization))
            {
                context.Response.Headers["X-Error-Code"] = "GatedRepo";
                return Results.Text("Access to model is restricted. You must have access to it and be authenticated to access it.", statusCode: StatusCodes.Status401Unauthorized);
            }

            if (authorization != "Bearer " + gated)
            {
                context.Response.Headers["X-Error-Code"] = "GatedRepo";
                return Results.Text("Access to model is restricted and you are not in the authorized list.", statusCode: StatusCodes.Status403Forbidden);
            }
        }

        switch (file)
        {
            case "config.json":
                return Results.Text(repository.ConfigJson, "application/json");
            case "model.safetensors.index.json" when repository.IndexTotalSize is { } total:
                return Results.Text(string.Create(CultureInfo.InvariantCulture, $$$"""{"metadata": {"total_size": {{{total}}}}, "weight_map": {}}"""), "application/json");
            case "model.safetensors" when repository.SingleFileSize is { } size:
                // The real Hub redirects LFS files to its CDN and names the size; the double answers HEAD only.
                context.Response.Headers["X-Linked-Size"] = size.ToString(CultureInfo.InvariantCulture);
                return HttpMethods.IsHead(context.Request.Method) ? Results.Ok() : Results.StatusCode(StatusCodes.Status501NotImplemented);
            default:
                context.Response.Headers["X-Error-Code"] = "EntryNotFound";
                return Results.Text("Entry not found", statusCode: StatusCodes.Status404NotFound);
        }
    }
}
