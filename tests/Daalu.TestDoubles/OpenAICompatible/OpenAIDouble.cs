using Microsoft.AspNetCore.Http;

namespace Daalu.TestDoubles.OpenAICompatible;

/// <summary>
/// Stands for the OpenAI API (api.openai.com/v1): requires Authorization: Bearer with its key (401
/// invalid_api_key otherwise), lists models owned_by openai, answers chat / completions / embeddings with the same
/// wire shapes (usage in streams only with stream_options.include_usage). Mount point: BaseUrl + "/v1".
/// </summary>
public sealed class OpenAIDouble(string apiKey, params string[] models) : OpenAICompatibleDouble("openai", models)
{
    /// <summary>The key it accepts.</summary>
    public string ApiKey { get; } = apiKey;

    /// <summary>Base URL as configured for an openai provider (includes /v1).</summary>
    public string ProviderBaseUrl => BaseUrl + "/v1";

    /// <summary>Starts a double on a free port.</summary>
    public static async Task<OpenAIDouble> StartNewAsync(string apiKey, params string[] models)
    {
        var d = new OpenAIDouble(apiKey, models);
        await d.StartAsync();
        return d;
    }

    /// <inheritdoc/>
    protected override string OwnedBy => "openai";

    /// <inheritdoc/>
    protected override async Task<bool> AuthorizeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Headers.Authorization.ToString() == "Bearer " + ApiKey)
        {
            return true;
        }

        context.Response.StatusCode = 401;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
        return false;
    }
}
