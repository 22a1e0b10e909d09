namespace Daalu.Router.Classification;

/// <summary>One piece of text a request carries, where it came from, and nothing else.</summary>
/// <param name="Role">system, developer, user, assistant, tool (tool results), tool_call (arguments an assistant sent), prompt (completions).</param>
/// <param name="Message">Index of the message (or prompt item) it belongs to; -1 for a top-level system or instructions field.</param>
/// <param name="Text">The text.</param>
public readonly record struct TextSegment(string Role, int Message, string Text);
