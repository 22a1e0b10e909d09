namespace Daalu.KubeApiServer;

/// <summary>
/// A fault to inject: the next <see cref="Times"/> requests matching the verb/resource/name answer with
/// <see cref="StatusCode"/> (as a real Status object) or hang until the client gives up.
/// </summary>
public sealed record FailureRule
{
    /// <summary>Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; null matches any.</summary>
    public string? Verb { get; init; }

    /// <summary>Plural resource name, e.g. <c>deployments</c>; null matches any.</summary>
    public string? Resource { get; init; }

    /// <summary>Subresource, e.g. <c>status</c>; null matches any, "" matches only the main resource.</summary>
    public string? Subresource { get; init; }

    /// <summary>Namespace; null matches any.</summary>
    public string? Namespace { get; init; }

    /// <summary>Object name; null matches any.</summary>
    public string? Name { get; init; }

    /// <summary>How many matching requests fail; afterwards the rule is gone.</summary>
    public int Times { get; init; } = 1;

    /// <summary>HTTP status to answer with: 409 (Conflict), 429, 500, 503, 504, ...</summary>
    public int StatusCode { get; init; } = 500;

    /// <summary>When true the request never answers (until the client cancels or the server stops).</summary>
    public bool Hang { get; init; }
}
