namespace Daalu.Operator.Models;

/// <summary>Reads a model's config.json and checkpoint size, from the Hugging Face Hub or a directory.</summary>
public interface IModelConfigSource
{
    /// <summary>Reads <c>config.json</c> and the safetensors size of <paramref name="repository"/> at <paramref name="revision"/>.</summary>
    /// <param name="repository">The Hub id, e.g. Qwen/Qwen2.5-7B-Instruct.</param>
    /// <param name="revision">Branch, tag or commit.</param>
    /// <param name="token">The Hugging Face token (sent as Bearer), or null.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    Task<ModelConfigResult> ReadHubAsync(string repository, string revision, string? token, CancellationToken cancellationToken);

    /// <summary>Reads the same files from a directory the operator can see, or null when it cannot see it.</summary>
    ModelConfigResult? ReadDirectory(string directory);
}
