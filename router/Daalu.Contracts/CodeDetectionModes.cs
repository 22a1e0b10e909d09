namespace Daalu.Contracts;

/// <summary>
/// What the router does with content-based code detection (RoutingPolicy spec.codeDetection and the compiled
/// policy's codeDetection): enforce makes code-bearing requests class coding, so they never reach External.
/// </summary>
public static class CodeDetectionModes
{
    /// <summary>Code-bearing content makes the request coding for tier eligibility (the default).</summary>
    public const string Enforce = "enforce";

    /// <summary>Detect, explain and count only.</summary>
    public const string Report = "report";

    /// <summary>Do not read content for code.</summary>
    public const string Off = "off";

    /// <summary>Every mode.</summary>
    public static readonly IReadOnlyList<string> All = [Enforce, Report, Off];
}
