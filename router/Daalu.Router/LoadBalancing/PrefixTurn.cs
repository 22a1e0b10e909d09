namespace Daalu.Router.LoadBalancing;

/// <summary>
/// One chat message as <see cref="PrefixHasher"/> keys it: its role (empty when it has none as a string) and its
/// content's texts in order (a string content, or the string <c>text</c> of each part object).
/// </summary>
public readonly record struct PrefixTurn(string Role, IReadOnlyList<string> Texts);
