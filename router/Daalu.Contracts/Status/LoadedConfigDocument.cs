using System.Text.Json.Serialization;

namespace Daalu.Contracts.Status;

/// <summary>
/// GET /admin/config on the router: which configuration it serves with (its <see cref="RouterConfig.ConfigHash"/>),
/// what it made of each part, and the last changed file it refused (it keeps serving the previous one then).
/// </summary>
/// <param name="Hash">The hash of the loaded file.</param>
/// <param name="Version">The document's version field.</param>
/// <param name="Verdicts">One verdict per backend, provider, tenant and policy, in that order.</param>
/// <param name="Warnings">The loader's non-fatal findings; no secret values.</param>
/// <param name="LastRefused">Why the last changed file was refused, while it is still the file on disk; null otherwise.</param>
public sealed record LoadedConfigDocument(
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("verdicts")] IReadOnlyList<ConfigVerdict> Verdicts,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings,
    [property: JsonPropertyName("lastRefused")] string? LastRefused);
