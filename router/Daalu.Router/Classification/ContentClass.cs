using Daalu.Contracts;
using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Classification;

/// <summary>
/// The request class after content: code-bearing content makes a request coding when the policy enforces detection;
/// nothing here ever turns coding into another class (a header can make a request coding, never un-make it).
/// </summary>
public static class ContentClass
{
    /// <summary>The policy's mode; an unknown or empty value is enforce (the safe side).</summary>
    public static CodeDetectionMode ParseMode(string? mode) => mode switch
    {
        CodeDetectionModes.Report => CodeDetectionMode.Report,
        CodeDetectionModes.Off => CodeDetectionMode.Off,
        _ => CodeDetectionMode.Enforce,
    };

    /// <summary>The class to plan with, and whether content changed it (enforce) or would have (report).</summary>
    /// <param name="resolved">The class from header, alias or rules.</param>
    /// <param name="code">What detection found.</param>
    /// <param name="mode">The policy's mode.</param>
    public static (string Class, bool Overridden, bool WouldOverride) Decide(string resolved, CodeDetectionResult code, CodeDetectionMode mode)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        if (!code.IsCode || resolved == RequestClasses.Coding || mode == CodeDetectionMode.Off)
        {
            return (resolved, false, false);
        }

        return mode == CodeDetectionMode.Enforce ? (RequestClasses.Coding, true, false) : (resolved, false, true);
    }
}
