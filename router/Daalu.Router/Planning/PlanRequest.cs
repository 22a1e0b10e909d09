using Daalu.Router.Configuration;

namespace Daalu.Router.Planning;

/// <summary>The planner's input besides the configuration and backend states.</summary>
/// <param name="Tenant">Calling tenant.</param>
/// <param name="RequestClass">chat, agent, classifier or coding.</param>
/// <param name="Model">The requested model or alias (auto, general, coding).</param>
/// <param name="Complexity">1..3 from the complexity classifier.</param>
/// <param name="Features">Tools, images, endpoint.</param>
/// <param name="Prefix">The prompt's prefix key for affinity within a tier; null picks by load alone.</param>
public sealed record PlanRequest(TenantRuntime Tenant, string RequestClass, string Model, int Complexity, RequestFeatures Features, LoadBalancing.PrefixKey? Prefix = null);
