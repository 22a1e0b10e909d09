using System.Text;
using Daalu.Contracts;
using Daalu.Router.Backends;
using Daalu.Router.Configuration;

namespace Daalu.Router.Hosting;

/// <summary>The short table printed at start: tiers, backends and providers, and whether each is usable.</summary>
public static class StartupReport
{
    /// <summary>Renders the table from the snapshot and the first probe round.</summary>
    public static string Render(RouterSnapshot snap, BackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(snap);
        ArgumentNullException.ThrowIfNull(registry);
        var sb = new StringBuilder();
        sb.AppendLine(FormattableString.Invariant($"{"TIER",-9} {"NAME",-20} {"TENANT",-12} {"URL",-36} STATE"));
        foreach (var b in snap.Backends)
        {
            var rt = registry.Get(b.Name);
            var view = rt.View();
            var state = rt.Reachable switch
            {
                true => "reachable, models: " + (view.DetectedModels is { Count: > 0 } m ? string.Join(",", m) : "(none)"),
                false => "UNREACHABLE",
                _ => "not probed",
            };
            var tier = b.Tier == TierNames.OwnGpu && b.Shared ? "OwnGpu+H" : b.Tier;
            sb.AppendLine(FormattableString.Invariant($"{tier,-9} {b.Name,-20} {b.Tenant ?? "-",-12} {b.Url,-36} {state}"));
        }

        foreach (var p in snap.Providers)
        {
            sb.AppendLine(FormattableString.Invariant($"{"External",-9} {p.Name,-20} {"-",-12} {p.Config.BaseUrl,-36} {(p.HasKey ? "key present (" + p.Config.ApiStyle + ")" : "NO API KEY (skipped)")}"));
        }

        foreach (var t in snap.Tenants.Values)
        {
            sb.AppendLine(FormattableString.Invariant($"tenant {t.Name}: policy {t.Policy.Name}, tiers {string.Join(" -> ", t.Policy.Config.Tiers)}{(t.Plan is { Enrolled: true } ? ", hosted plan" : "")}"));
        }

        foreach (var w in snap.Warnings)
        {
            sb.AppendLine("warning: " + w);
        }

        return sb.ToString();
    }
}
