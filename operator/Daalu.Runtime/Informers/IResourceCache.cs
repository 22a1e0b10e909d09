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

    /// <summary>
    /// Keys of the objects <paramref name="predicate"/> accepts, without copying any object: the predicate sees the
    /// cached instance itself, so it must only read it and must not keep it (it runs under the cache's lock, so keep
    /// it short and never call back into the cache). Use this to map an event to keys; use <see cref="Get"/> or
    /// <see cref="List"/> for objects a caller will keep or change.
    /// </summary>
    IReadOnlyList<ObjectKey> Keys(Func<T, bool> predicate);
}
