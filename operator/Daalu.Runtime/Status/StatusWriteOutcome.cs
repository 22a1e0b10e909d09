namespace Daalu.Runtime.Status;

/// <summary>What a status write did.</summary>
public enum StatusWriteOutcome
{
    /// <summary>The status already matched; nothing was sent.</summary>
    Unchanged,

    /// <summary>A patch was applied.</summary>
    Written,

    /// <summary>409: the object changed since it was read; requeue and reconcile again.</summary>
    Conflict,

    /// <summary>404: the object is gone.</summary>
    NotFound,
}
