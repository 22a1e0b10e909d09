namespace Daalu.Router.Classification;

/// <summary>What a classifier may look at: the last user text plus a few counts about the whole conversation.</summary>
/// <param name="LastUserText">Text of the last user message (text parts joined); empty when there is none.</param>
/// <param name="TotalTextLength">Characters of text over all messages, system prompt included.</param>
/// <param name="MessageCount">Number of messages in the request.</param>
/// <param name="HasTools">The request offers tools.</param>
/// <param name="HasImages">Any message carries an image.</param>
public readonly record struct ComplexityInput(string LastUserText, int TotalTextLength, int MessageCount, bool HasTools, bool HasImages);
