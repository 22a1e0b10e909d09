using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;

namespace Daalu.Router.Configuration;

/// <summary>A tenant with its compiled policy and its hosted-pool plan (null when not enrolled).</summary>
public sealed record TenantRuntime(string Name, bool Admin, TenantPlan? Plan, CompiledPolicy Policy, TenantConfig Config);
