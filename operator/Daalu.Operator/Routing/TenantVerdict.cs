namespace Daalu.Operator.Routing;

/// <summary>What the compiler decided about one TenantQuota.</summary>
/// <param name="Configured">The tenant is in the compiled configuration with at least one key.</param>
/// <param name="Reason">A <see cref="RoutingReasons"/> reason.</param>
/// <param name="Message">Why, for people.</param>
public sealed record TenantVerdict(bool Configured, string Reason, string Message);
