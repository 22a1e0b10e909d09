namespace Daalu.Runtime.Informers;

/// <summary>A watch delivered an ERROR event whose status could not be read; the informer re-lists.</summary>
public sealed class WatchErrorEventException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WatchErrorEventException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public WatchErrorEventException(string kind)
        : base($"watch of {kind} delivered an ERROR event")
    {
    }

    /// <summary>Creates the exception.</summary>
    public WatchErrorEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
