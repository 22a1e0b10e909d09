namespace Daalu.Router.Translation;

/// <summary>
/// A request or response that cannot be expressed in the other protocol. The message is safe to return
/// to the client (it names fields, never prompt text).
/// </summary>
public sealed class TranslationException : Exception
{
    public TranslationException()
    {
    }

    public TranslationException(string message)
        : base(message)
    {
    }

    public TranslationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A refusal that names the offending request parameter (and, optionally, an error code for it).</summary>
    public TranslationException(string param, string message, string? code = null)
        : base(message)
    {
        Param = param;
        Code = code;
    }

    /// <summary>The request parameter the refusal is about, when one is.</summary>
    public string? Param { get; }

    /// <summary>An error code for the refusal, when a more specific one than the default exists.</summary>
    public string? Code { get; }
}
