namespace Daalu.Operator.Children;

/// <summary>A child of the desired name exists and is not the operator's (another controller, or made by hand): it is left alone.</summary>
public sealed class ChildNotOwnedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ChildNotOwnedException()
    {
    }

    /// <summary>Creates the exception with a message naming the object and its owner.</summary>
    public ChildNotOwnedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ChildNotOwnedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
