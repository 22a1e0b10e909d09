namespace Daalu.Runtime.Informers;

/// <summary>One page of a paged list.</summary>
/// <typeparam name="T">The kind.</typeparam>
/// <param name="Items">The objects on this page.</param>
/// <param name="ResourceVersion">The list's resourceVersion (watch from here after the last page).</param>
/// <param name="Continue">The token for the next page; null or empty on the last page.</param>
public sealed record ResourcePage<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
