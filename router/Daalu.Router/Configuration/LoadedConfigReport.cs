using Daalu.Contracts.Status;

namespace Daalu.Router.Configuration;

/// <summary>What a loaded snapshot made of each part of its configuration: the body of GET /admin/config.</summary>
public static class LoadedConfigReport
{
    /// <summary>
    /// Backends, tenants and policies are loaded whenever the snapshot is (a bad one of them refuses the whole file,
    /// which then shows as <paramref name="lastRefused"/> while the previous snapshot keeps serving); a provider whose
    /// API key cannot be read is refused on its own and its tier skips it.
    /// </summary>
    public static LoadedConfigDocument For(RouterSnapshot snapshot, string? lastRefused)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var config = snapshot.Config;
        var verdicts = new List<ConfigVerdict>();
        verdicts.AddRange(config.Backends.Select(b => new ConfigVerdict(ConfigPartKinds.Backend, b.Name, ConfigVerdicts.Loaded, null)));
        verdicts.AddRange(snapshot.Providers.Select(p => p.HasKey
            ? new ConfigVerdict(ConfigPartKinds.Provider, p.Name, ConfigVerdicts.Loaded, null)
            : new ConfigVerdict(ConfigPartKinds.Provider, p.Name, ConfigVerdicts.Refused, "no API key available: the External tier skips this provider")));
        verdicts.AddRange(config.Tenants.Select(t => new ConfigVerdict(ConfigPartKinds.Tenant, t.Name, ConfigVerdicts.Loaded, t.Plan is null ? "no hosted-pool plan" : null)));
        verdicts.AddRange(config.Policies.Select(p => new ConfigVerdict(ConfigPartKinds.Policy, p.Name, ConfigVerdicts.Loaded, null)));
        return new LoadedConfigDocument(snapshot.Hash, config.Version, verdicts, snapshot.Warnings, lastRefused);
    }
}
