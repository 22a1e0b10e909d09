namespace Daalu.Api.V1Alpha1;

/// <summary>
/// What <c>spec.weights.huggingFace.revision</c> accepts: a git branch or tag name or a commit id, as the Hub resolves
/// them in <c>/{repo}/resolve/{revision}/{file}</c> and vLLM's <c>--revision</c> passes them on ("It can be a branch
/// name, a tag name, or a commit id", vLLM engine arguments, https://docs.vllm.ai/en/v0.8.5/serving/engine_args.html).
/// The pattern is the part of git's ref-name rules (git-check-ref-format) a regular expression can state: ASCII letters,
/// digits, '.', '_', '-' and '/' (for refs/pr/1 and nested branches), starting with a letter or digit and not ending in
/// '/' or '.'; '..' and '//' are refused by a CEL rule on the field.
/// </summary>
public static class HubRevisions
{
    /// <summary>The revision a repository serves when none is named.</summary>
    public const string Default = "main";

    /// <summary>A branch, tag or commit id.</summary>
    public const string Pattern = "^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9_-])?$";

    /// <summary>The longest revision accepted (git refs have no fixed limit; 255 bounds what the operator echoes into URLs and arguments).</summary>
    public const int MaxLength = 255;
}
