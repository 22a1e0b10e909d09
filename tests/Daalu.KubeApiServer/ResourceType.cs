using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>One REST resource the server serves, e.g. <c>apps/v1 deployments</c>.</summary>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Version">API version.</param>
/// <param name="Plural">Resource name in URLs, e.g. <c>deployments</c>.</param>
/// <param name="Kind">Kind, e.g. <c>Deployment</c>.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="HasStatusSubresource">Whether <c>/status</c> exists and the main resource ignores status.</param>
/// <param name="HasGeneration">Whether <c>metadata.generation</c> is maintained.</param>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    bool HasStatusSubresource,
    bool HasGeneration)
{
    /// <summary>Singular lower-case name used in discovery.</summary>
    public string Singular { get; init; } = Kind.ToLowerInvariant();

    /// <summary>Short names advertised in discovery.</summary>
    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Categories advertised in discovery.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The openAPIV3Schema of a custom resource version, or null for built-in kinds.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>The CRD file this type came from, when it is a custom resource.</summary>
    public string? CrdPath { get; init; }

    /// <summary><c>group/version</c> or <c>version</c> for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The kind of the list, e.g. <c>DeploymentList</c>.</summary>
    public string ListKind => Kind + "List";

    /// <summary><c>plural.group</c> (or plural for the core group), as used in messages.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>Whether this is a custom resource loaded from a CRD.</summary>
    public bool IsCustom => CrdPath is not null;
}
