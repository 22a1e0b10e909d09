namespace Daalu.Runtime.Informers;

/// <summary>What happened to an object in the informer's cache.</summary>
public enum ResourceEventType
{
    /// <summary>Seen for the first time.</summary>
    Added,

    /// <summary>Changed (a new resourceVersion).</summary>
    Modified,

    /// <summary>Gone: deleted by a watch event, or missing from a re-list.</summary>
    Deleted,
}
