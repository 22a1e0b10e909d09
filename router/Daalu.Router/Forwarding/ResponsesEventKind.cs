namespace Daalu.Router.Forwarding;

/// <summary>What a Responses stream event means to the relay.</summary>
public enum ResponsesEventKind
{
    /// <summary>Anything else (created, in_progress, item and part boundaries, done events).</summary>
    Other,

    /// <summary>
    /// The response's lifecycle before any output (response.created, response.in_progress, response.queued): vLLM sends
    /// both at once, before the prompt is even scheduled, so they are no sign of an answer.
    /// </summary>
    Lifecycle,

    /// <summary>A delta with generated text or arguments.</summary>
    Tokens,

    /// <summary>The answer ended: response.completed or response.incomplete, with the response's usage.</summary>
    Completed,

    /// <summary>The upstream reported a failure: response.failed or error.</summary>
    Failed,
}
