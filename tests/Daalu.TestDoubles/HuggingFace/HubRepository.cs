namespace Daalu.TestDoubles.HuggingFace;

/// <summary>One model repository the Hub double serves.</summary>
/// <param name="Id">owner/name.</param>
/// <param name="ConfigJson">The repository's config.json, verbatim.</param>
/// <param name="IndexTotalSize">metadata.total_size of model.safetensors.index.json, or null for a single-file checkpoint.</param>
/// <param name="SingleFileSize">Size of model.safetensors for a single-file checkpoint (served as X-Linked-Size on HEAD).</param>
/// <param name="GatedToken">When set, the repository is gated: only this bearer token may read it.</param>
/// <param name="Revisions">Branches, tags and commits besides main that serve the same files (e.g. a pinned commit).</param>
public sealed record HubRepository(string Id, string ConfigJson, long? IndexTotalSize, long? SingleFileSize = null, string? GatedToken = null,
    IReadOnlyList<string>? Revisions = null)
{
    /// <summary>Whether <paramref name="revision"/> (main or one of <see cref="Revisions"/>) exists.</summary>
    public bool HasRevision(string revision) => revision == "main" || Revisions?.Contains(revision, StringComparer.Ordinal) == true;
}
