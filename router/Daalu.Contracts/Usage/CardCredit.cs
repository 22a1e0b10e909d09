namespace Daalu.Contracts.Usage;

/// <summary>Credits earned on one of the caller's contributed cards (backend) on one day. Consumers are not named.</summary>
public sealed record CardCredit(string Day, string? Contributor, string Backend, long Requests, long Tokens, decimal Credit);
