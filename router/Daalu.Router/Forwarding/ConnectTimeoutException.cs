namespace Daalu.Router.Forwarding;

/// <summary>The TCP connect did not finish within the policy's connect timeout.</summary>
public sealed class ConnectTimeoutException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConnectTimeoutException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ConnectTimeoutException(string message, Exception inner) : base(message, inner) { }
}
