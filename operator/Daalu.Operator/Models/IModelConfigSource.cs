namespace Daalu.Operator.Models;

/// <summary>Reads a model's config.json and checkpoint size, from the Hugging Face Hub (pre-staged weights are read by an inspection Pod, see Inspection.WeightsInspector).</summary>
public interface IModelConfigSource
{
    /// <summary>Reads <c>config.json</c> and the safetensors size of <paramref name="repository"/> at <paramref name="revision"/>.</summary>
    /// <param name="repository">The Hub id, e.g. Qwen/Qwen2.5-7B-Instruct.</param>
    /// <param name="revision">Branch, tag or commit.</param>
    /// <param name="token">The Hugging Face token (sent as Bearer), or null.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    Task<ModelConfigResult> ReadHubAsync(string repository, string revision, string? token, CancellationToken cancellationToken);
}
