using System.Diagnostics;

namespace Daalu.Runtime.Diagnostics;

/// <summary>The runtime's tracing source: one span per reconcile.</summary>
public static class OperatorTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name to register with OpenTelemetry.</summary>
    public const string SourceName = "Daalu.Operator";

    /// <summary>The source reconcile spans come from.</summary>
    public static ActivitySource Source { get; } = new(SourceName);
}
