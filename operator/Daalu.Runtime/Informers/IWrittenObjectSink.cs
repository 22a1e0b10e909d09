namespace Daalu.Runtime.Informers;

/// <summary>An informer's end of read-your-writes: told about writes to its resource made through the operator's client.</summary>
internal interface IWrittenObjectSink
{
    /// <summary>The resource the informer caches.</summary>
    ResourceInfo Resource { get; }

    /// <summary>A create, update or patch (of the object or its status) succeeded and returned <paramref name="json"/>.</summary>
    void Written(byte[] json);

    /// <summary>A delete of <paramref name="key"/> succeeded.</summary>
    void Deleted(ObjectKey key);
}
