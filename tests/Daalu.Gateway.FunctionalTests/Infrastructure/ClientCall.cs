namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>What the client saw for one call: the status, where it ran and whether it got a complete answer.</summary>
/// <param name="RequestId">The X-Request-Id the client sent.</param>
/// <param name="Tenant">The tenant whose key was used.</param>
/// <param name="RequestClass">The X-Daalu-Request-Class sent.</param>
/// <param name="Status">HTTP status, or 0 when the connection failed.</param>
/// <param name="Tier">X-Daalu-Tier.</param>
/// <param name="Route">X-Daalu-Route.</param>
/// <param name="Body">Response body (for streams: every event).</param>
/// <param name="Success">200 with a complete answer: a JSON body, or a stream that ended with data: [DONE].</param>
/// <param name="Elapsed">Wall time of the call.</param>
public sealed record ClientCall(string RequestId, string Tenant, string RequestClass, int Status, string Tier, string Route, string Body, bool Success, TimeSpan Elapsed);
