namespace Daalu.Router.Configuration;

/// <summary>A configuration file that cannot be used; the message lists every problem (never a secret value).</summary>
public sealed class ConfigLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigLoadException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ConfigLoadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ConfigLoadException(string message, Exception inner) : base(message, inner) { }
}
