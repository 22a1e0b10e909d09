namespace Daalu.KubeApiServer;

/// <summary>The parts of DeleteOptions the server honours: preconditions and the propagation policy.</summary>
internal sealed record DeleteRequest(string? Uid, string? ResourceVersion, string? Propagation);
