using System.Collections.Frozen;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;

namespace Daalu.Router.Configuration;

/// <summary>A policy ready for the planner: providers resolved in order, the fall-through set as a set.</summary>
public sealed class CompiledPolicy
{
    private static readonly string[] AllReasons =
    [
        FallThroughReasons.ConnectError, FallThroughReasons.Timeout, FallThroughReasons.ServerError,
        FallThroughReasons.TooManyRequests, FallThroughReasons.ModelNotServed, FallThroughReasons.QuotaExceeded,
    ];

    /// <summary>Compiles <paramref name="config"/> against the known providers.</summary>
    public CompiledPolicy(PolicyConfig config, IReadOnlyList<ProviderRuntime> allProviders)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(allProviders);
        Config = config;
        Providers = config.Providers.Count == 0
            ? allProviders
            : config.Providers.Select(n => allProviders.First(p => p.Name == n)).ToArray();
        FallThroughOn = (config.FallThroughOn ?? [.. AllReasons]).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The configured policy.</summary>
    public PolicyConfig Config { get; }

    /// <summary>Policy name.</summary>
    public string Name => Config.Name;

    /// <summary>Providers of the External tier, in order.</summary>
    public IReadOnlyList<ProviderRuntime> Providers { get; }

    /// <summary>Failure reasons that fall through.</summary>
    public FrozenSet<string> FallThroughOn { get; }

    /// <summary>A policy for tenants that match no configured policy: own GPU then hosted, nothing external.</summary>
    public static CompiledPolicy Fallback { get; } = new(new PolicyConfig { Name = "(built-in)", Tiers = [TierNames.OwnGpu, TierNames.Hosted] }, []);
}
