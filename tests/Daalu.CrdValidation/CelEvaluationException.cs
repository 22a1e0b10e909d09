namespace Daalu.CrdValidation;

/// <summary>A CEL rule did not compile or failed while evaluating.</summary>
public sealed class CelEvaluationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CelEvaluationException()
    {
    }

    /// <summary>Creates the exception with the evaluator's message.</summary>
    public CelEvaluationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public CelEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
