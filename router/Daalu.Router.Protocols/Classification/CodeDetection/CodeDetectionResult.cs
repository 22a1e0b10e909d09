namespace Daalu.Router.Classification.CodeDetection;

/// <summary>Where code was found in a request: the signal, the role and index of the message that carried it.</summary>
/// <param name="Signal">The first decisive signal, or None.</param>
/// <param name="Role">Role of the segment (system, user, assistant, tool, tool_call, prompt); empty when none.</param>
/// <param name="Message">Message index; -1 for a top-level system field or when none.</param>
public readonly record struct CodeDetectionResult(CodeSignal Signal, string Role, int Message)
{
    /// <summary>No code anywhere.</summary>
    public static CodeDetectionResult None { get; } = new(CodeSignal.None, string.Empty, -1);

    /// <summary>Whether any content was code-bearing.</summary>
    public bool IsCode => Signal != CodeSignal.None;
}
