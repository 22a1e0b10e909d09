using System.Text.Json.Serialization;

namespace Daalu.Contracts.Status;

/// <summary>The router's verdict on one backend, provider, tenant or policy of the configuration it loaded.</summary>
/// <param name="Kind">One of <see cref="ConfigPartKinds"/>.</param>
/// <param name="Name">The part's name in the configuration.</param>
/// <param name="Verdict">One of <see cref="ConfigVerdicts"/>.</param>
/// <param name="Reason">Why it was refused, or a note on how it was loaded; never a secret.</param>
public sealed record ConfigVerdict(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("reason")] string? Reason);
