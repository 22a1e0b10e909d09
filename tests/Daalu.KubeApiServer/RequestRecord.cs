namespace Daalu.KubeApiServer;

/// <summary>One request the server answered, for assertions like "a second reconcile writes nothing".</summary>
/// <param name="Verb">Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, or the HTTP method for non-resource paths.</param>
/// <param name="Path">URL path.</param>
/// <param name="Query">Query string including the leading '?', or empty.</param>
/// <param name="User">Who sent it: the bearer token (see <see cref="KubeApiServer.CreateClient"/>) or else the User-Agent.</param>
/// <param name="Resource">Plural resource, or null for non-resource paths.</param>
/// <param name="Namespace">Namespace from the URL, or null.</param>
/// <param name="Name">Object name from the URL (or from the body on create), or null.</param>
/// <param name="Subresource">Subresource such as <c>status</c>, or null.</param>
/// <param name="StatusCode">HTTP status answered.</param>
public sealed record RequestRecord(
    string Verb,
    string Path,
    string Query,
    string User,
    string? Resource,
    string? Namespace,
    string? Name,
    string? Subresource,
    int StatusCode)
{
    /// <summary>Whether the verb changes state.</summary>
    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";
}
