using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>Compiled timeouts for one attempt.</summary>
public sealed class RoutingTimeouts
{
    /// <summary>TCP connect timeout in milliseconds.</summary>
    [JsonPropertyName("connectMs")]
    public int ConnectMs { get; set; } = 2000;

    /// <summary>Time to the first response byte before falling through, in milliseconds.</summary>
    [JsonPropertyName("firstByteMs")]
    public int FirstByteMs { get; set; } = 30000;

    /// <summary>Longest silence inside a stream before it counts as stalled, in milliseconds.</summary>
    [JsonPropertyName("streamIdleMs")]
    public int StreamIdleMs { get; set; } = 60000;
}
