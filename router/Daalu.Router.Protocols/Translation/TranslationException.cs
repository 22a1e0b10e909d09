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
}
