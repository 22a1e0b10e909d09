using Crd = Daalu.Api.V1Alpha1;
using Cfg = Daalu.Contracts.RouterConfig;

namespace Daalu.Operator.Routing;

/// <summary>
/// Copies the parts of a RoutingPolicy spec that the compiled router configuration carries into the configuration's
/// own types (Daalu.Contracts), so the router reads its file without the CRD library. Field for field: the JSON the
/// ConfigMap holds is what it was when both sides shared the CRD classes.
/// </summary>
internal static class ConfigPartsMapper
{
    public static List<Cfg.RoutingRule> Rules(IEnumerable<Crd.RoutingRule> rules) =>
        [.. rules.Select(r => new Cfg.RoutingRule { Name = r.Name, RequestClasses = [.. r.RequestClasses], Models = [.. r.Models], Action = r.Action, Tiers = [.. r.Tiers] })];

    public static List<Cfg.ClassificationRule> Classification(IEnumerable<Crd.ClassificationRule> rules) =>
        [.. rules.Select(r => new Cfg.ClassificationRule { Tenant = r.Tenant, Model = r.Model, RequestClass = r.RequestClass })];

    public static Cfg.SaturationThresholds Saturation(Crd.SaturationThresholds? s) => s is null ? new() : new()
    {
        KvCacheUsagePercent = s.KvCacheUsagePercent,
        MaxRequestsWaiting = s.MaxRequestsWaiting,
        MaxRequestsPerBackend = s.MaxRequestsPerBackend,
        TtftObjectives = [.. s.TtftObjectives.Select(o => new Cfg.TtftObjective { Tier = o.Tier, P95Ms = o.P95Ms, WindowSeconds = o.WindowSeconds, MinSamples = o.MinSamples })],
    };

    /// <summary>The judge when enabled, else null (a disabled judge is left out of the file).</summary>
    public static Cfg.JudgeSettings? Judge(Crd.JudgeSettings? j) => j is not { Enabled: true } ? null : new()
    {
        Enabled = true,
        Model = j.Model,
        ConfidenceBelowPercent = j.ConfidenceBelowPercent,
        TimeoutMs = j.TimeoutMs,
        QualitySamplePercent = j.QualitySamplePercent,
    };

    public static Cfg.RoutingTimeouts Timeouts(Crd.RoutingTimeouts? t) =>
        t is null ? new() : new() { ConnectMs = t.ConnectMs, FirstByteMs = t.FirstByteMs, StreamIdleMs = t.StreamIdleMs };

    public static Cfg.CircuitBreakerSettings CircuitBreaker(Crd.CircuitBreakerSettings? c) =>
        c is null ? new() : new() { ConsecutiveFailures = c.ConsecutiveFailures, OpenSeconds = c.OpenSeconds };

    public static Cfg.ProviderModel ProviderModel(Crd.ProviderModel m) => new()
    {
        Name = m.Name,
        Serves = [.. m.Serves],
        InputPricePerMTok = m.InputPricePerMTok,
        OutputPricePerMTok = m.OutputPricePerMTok,
        SupportsImages = m.SupportsImages,
    };
}
