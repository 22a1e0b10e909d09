namespace Daalu.Runtime.Informers;

/// <summary>An informer's read-only view of one kind. Every call returns copies, so callers may mutate what they get.</summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IResourceCache<T>
{
    /// <summary>Number of objects held.</summary>
    int Count { get; }

    /// <summary>The object named <paramref name="key"/>, or null.</summary>
    T? Get(ObjectKey key);

    /// <summary>Objects in <paramref name="namespace"/> (all when null) whose labels include every pair of <paramref name="labels"/>.</summary>
    IReadOnlyList<T> List(string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null);

    /// <summary>Keys of every object held.</summary>
    IReadOnlyList<ObjectKey> Keys();
}
