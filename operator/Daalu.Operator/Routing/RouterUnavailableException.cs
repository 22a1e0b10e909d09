namespace Daalu.Operator.Routing;

/// <summary>The router could not be reached or gave an answer the operator cannot use.</summary>
public sealed class RouterUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RouterUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RouterUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RouterUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
