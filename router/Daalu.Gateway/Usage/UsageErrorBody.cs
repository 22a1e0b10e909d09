namespace Daalu.Gateway.Usage;

/// <summary>An OpenAI-shaped error of GET /v1/usage: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed record UsageErrorBody(UsageErrorDetail Error);

/// <summary>The inner object of <see cref="UsageErrorBody"/>.</summary>
internal sealed record UsageErrorDetail(string Message, string Type, string? Param, string Code);
