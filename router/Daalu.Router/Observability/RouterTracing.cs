using System.Diagnostics;

namespace Daalu.Router.Observability;

/// <summary>The router's ActivitySource (exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set). Tags never carry prompt text.</summary>
public static class RouterTracing
{
    /// <summary>Source name.</summary>
    public const string SourceName = "Daalu.Router";

    /// <summary>The source.</summary>
    public static ActivitySource Source { get; } = new(SourceName);
}
