namespace Daalu.Runtime.Informers;

/// <summary>A change the informer observed.</summary>
/// <typeparam name="T">The kind.</typeparam>
/// <param name="Type">Added, Modified or Deleted.</param>
/// <param name="Resource">The new object, or the last known state for Deleted.</param>
/// <param name="Old">The previous object for Modified, else null.</param>
/// <param name="Synthesized">True for a Deleted found by diffing a re-list rather than by a watch event.</param>
public sealed record ResourceEvent<T>(ResourceEventType Type, T Resource, T? Old = default, bool Synthesized = false);
