namespace Daalu.Router.Classification;

/// <summary>What a policy does with content-based code detection.</summary>
public enum CodeDetectionMode
{
    /// <summary>Code-bearing content makes the request class coding (the default).</summary>
    Enforce,

    /// <summary>Detect, explain and count, but leave the class as the header or rules set it.</summary>
    Report,

    /// <summary>Do not look.</summary>
    Off,
}
