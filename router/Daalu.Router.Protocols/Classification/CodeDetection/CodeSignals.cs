namespace Daalu.Router.Classification.CodeDetection;

/// <summary>Stable lower-case names of <see cref="CodeSignal"/> for explain output and metric labels.</summary>
public static class CodeSignals
{
    /// <summary>The label of a signal (no allocation).</summary>
    public static string Name(CodeSignal signal) => signal switch
    {
        CodeSignal.Fence => "fence",
        CodeSignal.Source => "source",
        CodeSignal.Diff => "diff",
        CodeSignal.StackTrace => "stack_trace",
        CodeSignal.ShellSession => "shell",
        CodeSignal.Sql => "sql",
        CodeSignal.Config => "config",
        CodeSignal.FilePath => "file_path",
        CodeSignal.CodeRequest => "code_request",
        _ => "none",
    };
}
