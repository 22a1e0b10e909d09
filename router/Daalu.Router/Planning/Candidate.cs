using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Configuration;

namespace Daalu.Router.Planning;

/// <summary>One attempt the cascade may make, in order.</summary>
/// <param name="Tier">OwnGpu, Hosted or External.</param>
/// <param name="Name">Backend or provider name.</param>
/// <param name="UpstreamModel">The model name sent upstream.</param>
/// <param name="Backend">The backend (OwnGpu / Hosted), else null.</param>
/// <param name="Provider">The provider (External), else null.</param>
/// <param name="ProviderModel">The provider's model entry (prices), else null.</param>
public sealed record Candidate(string Tier, string Name, string UpstreamModel, BackendConfig? Backend, ProviderRuntime? Provider, ProviderModel? ProviderModel)
{
    /// <summary>Hosted tier on a card another tenant contributed: that tenant, else null.
    /// The card owner (<see cref="BackendConfig.Contributor"/>) when the backend serves another tenant's model on it.</summary>
    public string? ContributorTenant => Tier == TierNames.Hosted && Backend is { Shared: true } b
        ? (string.IsNullOrEmpty(b.Contributor) ? (string.IsNullOrEmpty(b.Tenant) ? null : b.Tenant) : b.Contributor)
        : null;
}
