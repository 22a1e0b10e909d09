namespace Daalu.Operator.Routing;

/// <summary>A Secret in the router namespace the router mounts, with the keys it reads.</summary>
/// <param name="Name">Secret name.</param>
/// <param name="Keys">Data keys, sorted.</param>
public sealed record MountedSecret(string Name, IReadOnlyList<string> Keys);
