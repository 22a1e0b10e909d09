// KubeApiServer: an in-process stand-in for the Kubernetes API server (kube-apiserver + etcd + the garbage collector
// and namespace controllers), served by Kestrel on http://127.0.0.1:<free port> so KubernetesClient talks to it over
// real HTTP. It serves the kinds the operator uses - core/v1 Namespace, Node, Pod, Service, ConfigMap, Secret,
// ServiceAccount, PersistentVolumeClaim, Event; apps/v1 Deployment, DaemonSet; coordination.k8s.io/v1 Lease;
// events.k8s.io/v1 Event - and every CRD YAML it is given, with the real server's semantics for:
//   * CRUD with the real URLs and Status error objects (404 NotFound, 409 AlreadyExists/Conflict, 422 Invalid with
//     details.causes, 400 BadRequest, 410 Expired, 415 for strategic merge patch on custom resources);
//   * uid/creationTimestamp on create, one global resourceVersion counter, optimistic concurrency on PUT/PATCH,
//     CR PUTs need a resourceVersion (422 otherwise), no-op writes change nothing (same resourceVersion, no event);
//   * the status subresource (main-resource writes keep status, /status writes change only status) and
//     metadata.generation bumped only on non-metadata (and, with the subresource, non-status) changes;
//   * merge, JSON, strategic merge (see StrategicMergePatch) and server-side apply patches (see FieldManagement);
//   * label selectors (=, ==, !=, in, notin, exists, !exists), field selectors (metadata.name/namespace + a few
//     per-kind fields), paged lists (limit/continue over a consistent snapshot) with list resourceVersion;
//   * watches from a resourceVersion replayed from an event log, bookmarks, 410 Expired (ERROR event) for versions
//     older than the retained window, timeoutSeconds;
//   * finalizers and deletionTimestamp, namespace termination, ownerReference garbage collection (background,
//     foreground and orphan propagation), built-in defaulting (see BuiltinBehaviour), CRD schema defaulting/pruning/validation and
//     CEL rules (Daalu.CrdValidation).
// It does NOT do: authentication/authorization (RBAC), admission webhooks or policies, API aggregation, protobuf or
// table output, CRD version conversion, resourceVersionMatch=Exact / reads at an old resourceVersion, the scheduler,
// kubelet or any workload controller (Deployments never get Pods or ready replicas unless a test writes their status),
// field selectors beyond the listed ones, graceful pod deletion
// (pods go at once). Server-side apply ownership is simplified (see FieldManagement).
// Test hooks: CompactHistory, DropWatches, StallWatches/ResumeNewWatches, HoldWatches/ReleaseWatches, SendBookmarks, InjectFailure,
// Requests/CountWriteRequests/CountChanges, GarbageCollectorChecks.
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.KubeApiServer;

/// <summary>An in-process Kubernetes API server for tests; see the file header for what it does and does not do.</summary>
public sealed class KubeApiServer : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly RequestHandler _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CrdSchemaObjectValidator? _defaultValidator;
    private readonly Task _bookmarks;
    private bool _disposed;

    /// <summary>Starts a server with the built-in kinds plus the CRDs in <paramref name="crdPaths"/>.</summary>
    /// <param name="crdPaths">CustomResourceDefinition YAML files (a file may hold several documents).</param>
    /// <param name="options">Tunables; null for the defaults.</param>
    public KubeApiServer(IEnumerable<string>? crdPaths = null, KubeApiServerOptions? options = null)
    {
        Options = options ?? new KubeApiServerOptions();
        var types = new List<ResourceType>(BuiltinResources.All);
        foreach (var path in crdPaths ?? [])
        {
            types.AddRange(CrdLoader.Load(path));
        }

        Resources = types;
        if (Options.Validator is null)
        {
            _defaultValidator = new CrdSchemaObjectValidator(Options.EvaluateCelRules);
        }

        _store = new ObjectStore(Options, types, Options.Validator ?? _defaultValidator);
        _handler = new RequestHandler(_store, types, Options, _stopping.Token);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRouting();
        _app = builder.Build();
        _app.Run(_handler.HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.TrimEnd('/');
        _bookmarks = Task.Run(BookmarkLoop);
    }

    /// <summary>Starts a server with every <c>*.yaml</c> CRD in a directory.</summary>
    public static KubeApiServer FromCrdDirectory(string directory, KubeApiServerOptions? options = null) =>
        new(Directory.GetFiles(directory, "*.yaml").Concat(Directory.GetFiles(directory, "*.yml")).Order(StringComparer.Ordinal), options);

    /// <summary><c>http://127.0.0.1:port</c>, without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>The options in force.</summary>
    public KubeApiServerOptions Options { get; }

    /// <summary>Every resource served, built-in and custom.</summary>
    public IReadOnlyList<ResourceType> Resources { get; }

    /// <summary>Whether CRD x-kubernetes-validations CEL rules are evaluated (node and tests/js found); false with a custom <see cref="KubeApiServerOptions.Validator"/>.</summary>
    public bool CelRulesEvaluated => _defaultValidator?.CelAvailable ?? false;

    /// <summary>Whether built-in objects are checked against the Kubernetes OpenAPI schemas (node and tests/js/node_modules/kubernetes-models found).</summary>
    public bool OpenApiSchemasChecked => Options.CheckOpenApiSchemas && OpenApiSchemaChecker.Shared is not null;

    /// <summary>The latest resourceVersion handed out.</summary>
    public long CurrentResourceVersion => _store.CurrentRv;

    /// <summary>A client configuration for this server; <paramref name="user"/> is sent as a bearer token and shows up in <see cref="Requests"/>.</summary>
    public KubernetesClientConfiguration CreateClientConfiguration(string? user = null) => new()
    {
        Host = BaseUrl,
        AccessToken = user,
    };

    /// <summary>A KubernetesClient for this server; <paramref name="user"/> identifies the caller in <see cref="Requests"/>.</summary>
    public Kubernetes CreateClient(string? user = null) => new(CreateClientConfiguration(user));

    /// <summary>Every request answered so far, in order.</summary>
    public IReadOnlyList<RequestRecord> Requests => _handler.Requests;

    /// <summary>Forgets the request log (e.g. after test setup).</summary>
    public void ClearRequests() => _handler.ClearRequests();

    /// <summary>Write requests (create/update/patch/delete, successful or not) for a resource, optionally one namespace and name.</summary>
    public int CountWriteRequests(string resource, string? @namespace = null, string? name = null) =>
        Requests.Count(r => r.IsWrite && r.Resource == resource && (@namespace is null || r.Namespace == @namespace) && (name is null || r.Name == name));

    /// <summary>Committed changes (each one a new resourceVersion and a watch event) for a resource, optionally one namespace and name.</summary>
    public int CountChanges(string resource, string? @namespace = null, string? name = null) => _store.CountChanges(resource, @namespace, name);

    /// <summary>
    /// How many times the ownerReference garbage collector has tested one object for being garbage: once per written
    /// object that has ownerReferences and once per dependent of a removed object, so tests can check that writes do
    /// not make it scan the whole store.
    /// </summary>
    public long GarbageCollectorChecks => _store.GarbageCollectorChecks;

    /// <summary>Makes the next matching requests fail (or hang).</summary>
    public void InjectFailure(FailureRule rule) => _handler.AddFailure(rule ?? throw new ArgumentNullException(nameof(rule)));

    /// <summary>Removes every pending injected failure.</summary>
    public void ClearFailures() => _handler.ClearFailures();

    /// <summary>Forgets the whole event history, as an etcd compaction: watches from any older resourceVersion get 410 Expired. Returns the compacted-through version.</summary>
    public long CompactHistory() => _store.Compact();

    /// <summary>Ends open watch streams (for one plural resource or all), as when the server closes a watch.</summary>
    public void DropWatches(string? resource = null) => _store.DropWatches(resource);

    /// <summary>Open watch streams stay open but receive nothing more; with <paramref name="includeNewWatches"/> new watches are stalled too until <see cref="ResumeNewWatches"/>.</summary>
    public void StallWatches(string? resource = null, bool includeNewWatches = false) => _store.StallWatches(resource, includeNewWatches);

    /// <summary>
    /// Watch streams (for one plural resource or all, open and opened later) keep every event and bookmark back, in
    /// order, until <see cref="ReleaseWatches"/>: a watch that lags behind the store, as when a client's informer has
    /// not yet received the object it just wrote. Writes and reads are served as usual meanwhile.
    /// </summary>
    public void HoldWatches(string? resource = null) => _store.HoldWatches(resource);

    /// <summary>Delivers what <see cref="HoldWatches"/> kept back, in order, and lets events through again.</summary>
    public void ReleaseWatches(string? resource = null) => _store.ReleaseWatches(resource);

    /// <summary>New watches work normally again (already stalled ones stay stalled).</summary>
    public void ResumeNewWatches() => _store.ResumeNewWatches();

    /// <summary>Open watch streams, for one plural resource or all.</summary>
    public int OpenWatchCount(string? resource = null) => _store.OpenWatchCount(resource);

    /// <summary>Sends a BOOKMARK now to every watch that allows bookmarks.</summary>
    public void SendBookmarks() => _store.SendBookmarks();

    /// <summary>A copy of a stored object, or null; for assertions without a client round trip.</summary>
    public JsonObject? Peek(string resource, string? @namespace, string name, string group = "")
    {
        var type = Resources.FirstOrDefault(t => t.Plural == resource && t.Group == group)
            ?? throw new ArgumentException($"unknown resource {resource} in group '{group}'", nameof(resource));
        try
        {
            return _store.Get(type, @namespace, name);
        }
        catch (ApiError)
        {
            return null;
        }
    }

    private async Task BookmarkLoop()
    {
        using var timer = new PeriodicTimer(Options.BookmarkInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                _store.SendBookmarks();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        _store.DropWatches(null);
        await _bookmarks;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
