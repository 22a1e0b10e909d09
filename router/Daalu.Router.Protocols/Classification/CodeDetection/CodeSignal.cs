namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Why content counts as code-bearing. The names are the vocabulary of the explain output and of the
/// <c>daalu_router_code_detections_total</c> metric (lower-case via <see cref="CodeSignals.Name"/>); they never carry
/// prompt text.
/// </summary>
public enum CodeSignal : byte
{
    /// <summary>Nothing code-like found.</summary>
    None,

    /// <summary>A fenced block (<c>```</c> or <c>~~~</c>) whose info string is not a prose type.</summary>
    Fence,

    /// <summary>Unfenced source lines (keywords, statement endings, operators) in a common language, or HTML markup.</summary>
    Source,

    /// <summary>A unified or git diff.</summary>
    Diff,

    /// <summary>A stack trace or exception header (Python, Java, .NET, JavaScript, Go).</summary>
    StackTrace,

    /// <summary>A shell session (prompt lines) or command lines.</summary>
    ShellSession,

    /// <summary>An SQL statement.</summary>
    Sql,

    /// <summary>A configuration file: Kubernetes manifest, YAML, JSON, TOML, Dockerfile.</summary>
    Config,

    /// <summary>A source file path next to other code context, or inline code spans.</summary>
    FilePath,

    /// <summary>A request in plain words to write, fix or explain code.</summary>
    CodeRequest,
}
