using Daalu.Router.Configuration;
using Daalu.Router.Planning;

namespace Daalu.Router.Forwarding;

/// <summary>Everything one call needs, captured once (the snapshot stays fixed for the call even if the file reloads).</summary>
public sealed record RouteContext(RouterSnapshot Snapshot, TenantRuntime Tenant, ParsedRequest Request, CascadePlan Plan, string RequestId, string Path, long StartTimestamp);
