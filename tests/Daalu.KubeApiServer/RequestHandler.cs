using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Daalu.KubeApiServer;

/// <summary>Turns HTTP requests into store operations and store results into the real server's responses.</summary>
internal sealed class RequestHandler
{
    private readonly ObjectStore _store;
    private readonly IReadOnlyList<ResourceType> _types;
    private readonly KubeApiServerOptions _options;
    private readonly List<FailureRule> _failures = [];
    private readonly List<RequestRecord> _requests = [];
    private readonly CancellationToken _stopping;

    public RequestHandler(ObjectStore store, IReadOnlyList<ResourceType> types, KubeApiServerOptions options, CancellationToken stopping)
    {
        _store = store;
        _types = types;
        _options = options;
        _stopping = stopping;
    }

    public IReadOnlyList<RequestRecord> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public void ClearRequests()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    public void AddFailure(FailureRule rule)
    {
        lock (_failures)
        {
            _failures.Add(rule);
        }
    }

    public void ClearFailures()
    {
        lock (_failures)
        {
            _failures.Clear();
        }
    }

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "/";
        var user = Who(request);
        var route = Route.Parse(path, _types, out var knownPrefix);
        var verb = route is null ? request.Method.ToUpperInvariant() : Verb(request, route);
        var record = new RequestRecord(verb, path, request.QueryString.Value ?? string.Empty, user, route?.Type.Plural, route?.Namespace, route?.Name, route?.Subresource, 0);
        try
        {
            if (route is null)
            {
                var discovery = knownPrefix ? null : Discovery.Answer(path, _types, request.Host.Value ?? "127.0.0.1");
                if (discovery is null)
                {
                    throw new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
                }

                await WriteJson(http, 200, discovery);
                record = record with { StatusCode = 200 };
                return;
            }

            if (TakeFailure(verb, route) is { } failure)
            {
                if (failure.Hang)
                {
                    using var hang = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, hang.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The client gave up or the server stops: nothing to answer.
                    }

                    return;
                }

                throw Injected(failure, route);
            }

            record = await Dispatch(http, verb, route, user, record);
        }
        catch (ApiError e)
        {
            await WriteJson(http, e.Code, e.ToStatus());
            record = record with { StatusCode = e.Code };
        }
        catch (JsonException e)
        {
            var error = ApiError.BadRequest("the body of the request could not be decoded: " + e.Message);
            await WriteJson(http, 400, error.ToStatus());
            record = record with { StatusCode = 400 };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in this server: answer like the real server's panic handler so the test sees the cause.
            var error = new ApiError(500, "InternalError", "Internal error occurred: " + e.GetType().Name + ": " + e.Message);
            if (!http.Response.HasStarted)
            {
                await WriteJson(http, 500, error.ToStatus());
            }

            record = record with { StatusCode = 500 };
        }
        finally
        {
            lock (_requests)
            {
                _requests.Add(record);
            }
        }
    }

    private async Task<RequestRecord> Dispatch(HttpContext http, string verb, Route route, string user, RequestRecord record)
    {
        var q = http.Request.Query;
        var type = route.Type;
        var ctx = new WriteContext(FieldManager(q, user), null, IsDryRun(q)) { StrictFields = q["fieldValidation"] == "Strict", Force = q["force"] == "true" };
        switch (verb)
        {
            case "get":
                await WriteJson(http, 200, _store.Get(type, route.Namespace, route.Name!));
                return record with { StatusCode = 200 };
            case "list":
            {
                var limit = int.TryParse(q["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
                var list = _store.List(type, route.Namespace, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"], type), limit, q["continue"]);
                await WriteJson(http, 200, list);
                return record with { StatusCode = 200 };
            }

            case "watch":
                await Watch(http, route);
                return record with { StatusCode = 200 };
            case "create":
            {
                var body = await ReadObject(http.Request, type);
                var (created, _) = _store.Create(type, route.Namespace, body, ctx);
                await WriteJson(http, 201, created);
                return record with { StatusCode = 201, Name = created["metadata"]?["name"]?.GetValue<string>() };
            }

            case "update":
            {
                var body = await ReadObject(http.Request, type);
                await WriteJson(http, 200, _store.Update(type, route.Namespace, route.Name!, body, route.Subresource, ctx));
                return record with { StatusCode = 200 };
            }

            case "patch":
            {
                var (result, created) = await Patch(http.Request, route, ctx);
                var code = created ? 201 : 200;
                await WriteJson(http, code, result);
                return record with { StatusCode = code };
            }

            case "delete":
            {
                var options = await ReadDeleteOptions(http.Request);
                var (result, removed) = _store.Delete(type, route.Namespace, route.Name!, options, ctx);
                var returnsObject = !removed || type.IsCustom || type is { Group: "", Plural: "pods" or "services" or "namespaces" or "persistentvolumeclaims" };
                await WriteJson(http, 200, returnsObject ? result : StatusObjects.Success(type, route.Name!, result["metadata"]?["uid"]?.GetValue<string>() ?? string.Empty));
                return record with { StatusCode = 200 };
            }

            case "deletecollection":
                await WriteJson(http, 200, _store.DeleteCollection(type, route.Namespace, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"], type), ctx));
                return record with { StatusCode = 200 };
            default:
                throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
        }
    }

    private async Task<(JsonObject Result, bool Created)> Patch(HttpRequest request, Route route, WriteContext ctx)
    {
        var type = route.Type;
        var contentType = (request.ContentType ?? string.Empty).Split(';')[0].Trim();
        var text = await ReadText(request);
        switch (contentType)
        {
            case "application/json-patch+json":
            {
                var ops = JsonNode.Parse(text) as JsonArray ?? throw ApiError.BadRequest("json patch must be an array of operations");
                return _store.Mutate(type, route.Namespace, route.Name!, route.Subresource, ctx, current =>
                    current is null ? throw ApiError.NotFound(type, route.Name!) : AsObject(JsonPatch.Apply(current, ops)));
            }

            case "application/merge-patch+json":
            {
                var patch = JsonNode.Parse(text) as JsonObject ?? throw ApiError.BadRequest("merge patch must be a JSON object");
                return _store.Mutate(type, route.Namespace, route.Name!, route.Subresource, ctx, current =>
                    current is null ? throw ApiError.NotFound(type, route.Name!) : AsObject(MergePatch.Apply(current, patch)));
            }

            case "application/strategic-merge-patch+json" when !type.IsCustom:
            {
                var patch = JsonNode.Parse(text) as JsonObject ?? throw ApiError.BadRequest("strategic merge patch must be a JSON object");
                return _store.Mutate(type, route.Namespace, route.Name!, route.Subresource, ctx, current =>
                    current is null ? throw ApiError.NotFound(type, route.Name!) : AsObject(StrategicMergePatch.Apply(current, patch)));
            }

            case "application/apply-patch+yaml":
            {
                if (string.IsNullOrEmpty(request.Query["fieldManager"]))
                {
                    throw new ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                }

                var applied = ParseApplyBody(text, type, route.Name!);
                var applyCtx = ctx with { AppliedConfigurationJson = applied.ToJsonString() };
                return _store.Mutate(type, route.Namespace, route.Name!, route.Subresource, applyCtx, current =>
                    FieldManagement.Apply(type, current, applied, applyCtx, route.Subresource ?? string.Empty));
            }

            default:
                throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(type.IsCustom ? string.Empty : ", application/strategic-merge-patch+json")}");
        }
    }

    private static JsonObject ParseApplyBody(string text, ResourceType type, string name)
    {
        JsonNode? node;
        try
        {
            node = text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : Daalu.CrdValidation.YamlJson.Parse(text);
        }
        catch (Exception e) when (e is not ApiError)
        {
            throw ApiError.BadRequest("error decoding YAML: " + e.Message);
        }

        if (node is not JsonObject obj)
        {
            throw ApiError.BadRequest("apply patch must be an object");
        }

        if (obj["apiVersion"]?.GetValue<string>() != type.ApiVersion || obj["kind"]?.GetValue<string>() != type.Kind)
        {
            throw ApiError.BadRequest($"the API version in the data ({obj["apiVersion"]}) and kind ({obj["kind"]}) do not match the request ({type.ApiVersion}, {type.Kind})");
        }

        var bodyName = obj["metadata"]?["name"]?.GetValue<string>();
        if (bodyName != name)
        {
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        return obj;
    }

    private async Task Watch(HttpContext http, Route route)
    {
        var q = http.Request.Query;
        var session = _store.Watch(
            route.Type,
            route.Namespace,
            LabelSelector.Parse(q["labelSelector"]),
            FieldSelector.Parse(q["fieldSelector"], route.Type),
            q["allowWatchBookmarks"] == "true",
            q["resourceVersion"]);
        var timeout = int.TryParse(q["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : _options.DefaultWatchTimeout;
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping);
        cts.CancelAfter(timeout);
        try
        {
            // Writes are not cancelled by the timeout: cancelling a pending write would abort the response
            // instead of ending the chunked stream cleanly, as the real server does.
            await http.Response.StartAsync(http.RequestAborted);
            await foreach (var line in session.Reader.ReadAllAsync(cts.Token))
            {
                if (session.Stalled)
                {
                    continue;
                }

                await http.Response.WriteAsync(line + "\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone or server stopping: the stream simply ends, as with the real server.
        }
        finally
        {
            _store.Unwatch(session);
        }
    }

    private FailureRule? TakeFailure(string verb, Route route)
    {
        lock (_failures)
        {
            for (var i = 0; i < _failures.Count; i++)
            {
                var f = _failures[i];
                var matches = (f.Verb is null || f.Verb == verb)
                    && (f.Resource is null || f.Resource == route.Type.Plural)
                    && (f.Subresource is null || f.Subresource == (route.Subresource ?? string.Empty))
                    && (f.Namespace is null || f.Namespace == route.Namespace)
                    && (f.Name is null || f.Name == route.Name);
                if (!matches)
                {
                    continue;
                }

                if (f.Times <= 1)
                {
                    _failures.RemoveAt(i);
                }
                else
                {
                    _failures[i] = f with { Times = f.Times - 1 };
                }

                return f;
            }
        }

        return null;
    }

    private static ApiError Injected(FailureRule failure, Route route)
    {
        var name = route.Name ?? string.Empty;
        return failure.StatusCode switch
        {
            409 => ApiError.Conflict(route.Type, name, "the object has been modified; please apply your changes to the latest version and try again"),
            410 => new ApiError(410, "Expired", "too old resource version"),
            429 => new ApiError(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later", new JsonObject { ["retryAfterSeconds"] = 1 }),
            500 => new ApiError(500, "InternalError", "Internal error occurred: injected failure"),
            503 => new ApiError(503, "ServiceUnavailable", "the server is currently unable to handle the request"),
            504 => new ApiError(504, "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
            var code => new ApiError(code, "InternalError", "injected failure"),
        };
    }

    private static string Verb(HttpRequest request, Route route) => request.Method.ToUpperInvariant() switch
    {
        "GET" when route.Name is not null => "get",
        "GET" when request.Query["watch"] is var w && (w == "true" || w == "1") => "watch",
        "GET" => "list",
        "POST" when route.Name is null => "create",
        "PUT" when route.Name is not null => "update",
        "PATCH" when route.Name is not null => "patch",
        "DELETE" when route.Name is not null => "delete",
        "DELETE" => "deletecollection",
        var m => m.ToLowerInvariant(),
    };

    private static string Who(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return auth["Bearer ".Length..].Trim();
        }

        var agent = request.Headers.UserAgent.ToString();
        return agent.Length > 0 ? agent : "anonymous";
    }

    private static string FieldManager(IQueryCollection q, string user)
    {
        var manager = q["fieldManager"].ToString();
        if (manager.Length > 0)
        {
            return manager;
        }

        var slash = user.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? user[..slash] : user;
    }

    private static bool IsDryRun(IQueryCollection q) => q["dryRun"] == "All";

    private static async Task<string> ReadText(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static async Task<JsonObject> ReadObject(HttpRequest request, ResourceType type)
    {
        var text = await ReadText(request);
        if (JsonNode.Parse(text) is not JsonObject obj)
        {
            throw ApiError.BadRequest("the body of the request must be a JSON object");
        }

        var apiVersion = obj["apiVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        var kind = obj["kind"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        return obj;
    }

    private static async Task<DeleteRequest> ReadDeleteOptions(HttpRequest request)
    {
        var text = await ReadText(request);
        var propagation = request.Query["propagationPolicy"].ToString();
        string? uid = null;
        string? rv = null;
        if (!string.IsNullOrWhiteSpace(text) && JsonNode.Parse(text) is JsonObject options)
        {
            uid = options["preconditions"]?["uid"]?.GetValue<string>();
            rv = options["preconditions"]?["resourceVersion"]?.GetValue<string>();
            propagation = options["propagationPolicy"]?.GetValue<string>() ?? propagation;
            if (options["orphanDependents"]?.GetValue<bool>() == true)
            {
                propagation = "Orphan";
            }
        }

        return new DeleteRequest(uid, rv, propagation.Length == 0 ? null : propagation);
    }

    private static JsonObject AsObject(JsonNode? node) => node as JsonObject ?? throw ApiError.BadRequest("the patch result is not an object");

    private static async Task WriteJson(HttpContext http, int code, JsonObject body)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonText.Write(body), http.RequestAborted);
    }
}
