using System.Globalization;

namespace Daalu.Operator.Routing;

/// <summary>
/// Which client APIs a vLLM image's OpenAI server answers besides chat, from its version tag, for the backend entries the
/// router plans with. <c>POST /v1/responses</c> first came for gpt-oss (Harmony) models only: v0.11.0 refuses a request
/// with tools on any other model ("Tool use is not supported in Responses API without Harmony", vLLM issue #28173,
/// vllm/entrypoints/openai/serving_responses.py _make_request); function calling for every model came with vLLM PR
/// #26874 ("OpenAI Responses API supports Tool/Function calling - non-harmony"), merged after v0.11.0. So a backend
/// serves the Responses API natively from v0.12.0; before that (and for an image whose version cannot be read: a
/// digest, "latest", a non-vLLM endpoint) the router keeps translating Responses calls to chat, which every version
/// serves.
/// </summary>
public static class VllmApiSupport
{
    /// <summary>The first vLLM release the router forwards Responses calls to as they are.</summary>
    public static readonly Version ResponsesApi = new(0, 12, 0);

    /// <summary>Whether the vLLM server in <paramref name="image"/> answers the Responses API with tools for any model.</summary>
    public static bool ServesResponses(string? image) => VersionOf(image) is { } v && v >= ResponsesApi;

    /// <summary>
    /// The release in a vLLM image reference's tag ("vllm/vllm-openai:v0.12.0", "registry:5000/vllm/vllm-openai:0.13.1-cu130"),
    /// or null when the repository is not vLLM's or the tag is no version.
    /// </summary>
    public static Version? VersionOf(string? image)
    {
        if (string.IsNullOrWhiteSpace(image) || image.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        var colon = image.LastIndexOf(':');
        if (colon < 0 || image.IndexOf('/', colon) >= 0)
        {
            return null;
        }

        var repository = image[..colon];
        if (!repository[(repository.LastIndexOf('/') + 1)..].Contains("vllm", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var tag = image.AsSpan(colon + 1);
        if (tag.StartsWith("v"))
        {
            tag = tag[1..];
        }

        var end = 0;
        while (end < tag.Length && (char.IsAsciiDigit(tag[end]) || tag[end] == '.'))
        {
            end++;
        }

        var parts = tag[..end].ToString().Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts.Length > 3)
        {
            return null;
        }

        var numbers = new int[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return new Version(numbers[0], numbers[1], numbers[2]);
    }
}
