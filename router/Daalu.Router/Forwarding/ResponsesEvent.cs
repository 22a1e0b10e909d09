namespace Daalu.Router.Forwarding;

/// <summary>One Responses stream event as the relay reads it.</summary>
/// <param name="Kind">What it means.</param>
/// <param name="InputTokens">response.usage.input_tokens of a completed response.</param>
/// <param name="OutputTokens">response.usage.output_tokens of a completed response.</param>
/// <param name="HasUsage">A completed response carried usage.</param>
/// <param name="SequenceNumber">The event's sequence_number, -1 when absent.</param>
public readonly record struct ResponsesEvent(ResponsesEventKind Kind, long InputTokens, long OutputTokens, bool HasUsage, long SequenceNumber);
