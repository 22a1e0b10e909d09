namespace Daalu.TestDoubles.HuggingFace;

/// <summary>One model repository the Hub double serves.</summary>
/// <param name="Id">owner/name.</param>
/// <param name="ConfigJson">The repository's config.json, verbatim.</param>
/// <param name="IndexTotalSize">metadata.total_size of model.safetensors.index.json, or null for a single-file checkpoint.</param>
/// <param name="SingleFileSize">Size of model.safetensors for a single-file checkpoint (served as X-Linked-Size on HEAD).</param>
/// <param name="GatedToken">When set, the repository is gated: only this bearer token may read it.</param>
public sealed record HubRepository(string Id, string ConfigJson, long? IndexTotalSize, long? SingleFileSize = null, string? GatedToken = null);
