using System.Text.Json;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Dialects;

/// <summary>
/// The two most used JS application frameworks as real callers of the router's OpenAI-compatible API, over the vLLM
/// doubles: the Vercel AI SDK (`ai` 6.x with `@ai-sdk/openai-compatible` 2.x) and LangChain JS (`@langchain/openai`
/// 1.5 on `@langchain/core` 1.4). One test per feature; each runs that step of the library's script (tests/js), which
/// checks the library parsed what it got, and the test then checks what the client and the backend saw.
/// </summary>
public sealed class NodeFrameworkClientTests
{
    private const string Model = "m-general";

    [SkippableFact]
    public async Task VercelAiSdk_GenerateText_TextUsageAndRouteHeaders()
    {
        var (r, f) = await RunVercelAsync("generate");
        await using (f)
        {
            Assert.StartsWith("answer from own", r.GetProperty("plainText").GetString(), StringComparison.Ordinal);
            Assert.Equal("stop", r.GetProperty("plainFinish").GetString());
            Assert.Equal(5, r.GetProperty("plainOutputTokens").GetInt32());
            Assert.Equal("OwnGpu", r.GetProperty("tier").GetString());
            Assert.False(Assert.Single(f.Own.Calls).Stream);
        }
    }

    [SkippableFact]
    public async Task VercelAiSdk_StreamText_DeltasAndIncludeUsage()
    {
        var (r, f) = await RunVercelAsync("stream");
        await using (f)
        {
            Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("streamText").GetString());
            Assert.Equal("stop", r.GetProperty("streamFinish").GetString());
            // The provider sent stream_options.include_usage; the usage chunk reached the SDK through the router.
            Assert.Equal(5, r.GetProperty("streamOutputTokens").GetInt32());
            Assert.Contains(f.Own.Calls, c => c.Stream && c.Body.Contains("\"include_usage\":true", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task VercelAiSdk_ToolCalls_NonStreamingAndStreamed()
    {
        var (r, f) = await RunVercelAsync("tools");
        await using (f)
        {
            Assert.Equal("get_weather", r.GetProperty("toolName").GetString());
            Assert.Equal("Paris", r.GetProperty("toolCity").GetString());
            Assert.Equal("tool-calls", r.GetProperty("toolFinish").GetString());
            Assert.Equal("get_weather", r.GetProperty("streamedToolName").GetString());
            Assert.Equal("Paris", r.GetProperty("streamedToolCity").GetString());
            Assert.Equal(2, f.Own.Calls.Count(c => c.Body.Contains("\"get_weather\"", StringComparison.Ordinal)));
        }
    }

    [SkippableFact]
    public async Task VercelAiSdk_Embed_VectorFromDeclaredEmbeddingModel()
    {
        var (r, f) = await RunVercelAsync("embed");
        await using (f)
        {
            Assert.Equal(3, r.GetProperty("embeddingLength").GetInt32());
            Assert.Equal(0.1, r.GetProperty("embeddingFirst").GetDouble(), 5);
            Assert.True(r.GetProperty("embedTokens").GetInt32() > 0);
            // The provider asks for floats; the embedding went to the hosted pool, the only declared embedding model.
            var call = Assert.Single(f.Hosted.Calls, c => c.Path == "/v1/embeddings");
            Assert.Contains("\"encoding_format\":\"float\"", call.Body, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task VercelAiSdk_UnknownModel_ApiCallErrorWith404()
    {
        var (r, f) = await RunVercelAsync("error");
        await using (f)
        {
            Assert.Equal(404, r.GetProperty("errorStatus").GetInt32());
            Assert.Equal("AI_APICallError", r.GetProperty("errorClass").GetString());
            Assert.Empty(f.Own.Calls);
        }
    }

    [SkippableFact]
    public async Task LangChain_Invoke_ContentFinishReasonAndUsage()
    {
        var (r, f) = await RunLangChainAsync("invoke");
        await using (f)
        {
            Assert.StartsWith("answer from own", r.GetProperty("plainText").GetString(), StringComparison.Ordinal);
            Assert.Equal("stop", r.GetProperty("plainFinish").GetString());
            Assert.Equal(5, r.GetProperty("plainOutputTokens").GetInt32());
            Assert.False(Assert.Single(f.Own.Calls).Stream);
        }
    }

    [SkippableFact]
    public async Task LangChain_Stream_ChunksAndUsageChunk()
    {
        var (r, f) = await RunLangChainAsync("stream");
        await using (f)
        {
            Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("streamText").GetString());
            Assert.Equal(5, r.GetProperty("streamOutputTokens").GetInt32());
            Assert.Contains(f.Own.Calls, c => c.Stream && c.Body.Contains("\"include_usage\":true", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task LangChain_BindTools_ToolCallsNonStreamingAndStreamed()
    {
        var (r, f) = await RunLangChainAsync("tools");
        await using (f)
        {
            Assert.Equal("get_weather", r.GetProperty("toolName").GetString());
            Assert.Equal("Paris", r.GetProperty("toolCity").GetString());
            Assert.Equal("get_weather", r.GetProperty("streamedToolName").GetString());
            Assert.Equal("Paris", r.GetProperty("streamedToolCity").GetString());
            Assert.Equal(2, f.Own.Calls.Count(c => c.Body.Contains("\"get_weather\"", StringComparison.Ordinal)));
        }
    }

    [SkippableFact]
    public async Task LangChain_OpenAIEmbeddings_QueryAndBatchDecodedFromBase64()
    {
        var (r, f) = await RunLangChainAsync("embed");
        await using (f)
        {
            Assert.Equal(3, r.GetProperty("embeddingLength").GetInt32());
            Assert.Equal(0.1, r.GetProperty("embeddingFirst").GetDouble(), 5);
            Assert.Equal(2, r.GetProperty("documentCount").GetInt32());
            Assert.Equal(1.1, r.GetProperty("documentSecondFirst").GetDouble(), 5);
            // LangChain sets no format, so the openai SDK under it asked for base64 and decoded the float32 bytes.
            var calls = f.Hosted.Calls.Where(c => c.Path == "/v1/embeddings").ToList();
            Assert.Equal(2, calls.Count);
            Assert.All(calls, c => Assert.Contains("\"encoding_format\":\"base64\"", c.Body, StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task LangChain_UnknownModel_NotFoundErrorWith404()
    {
        var (r, f) = await RunLangChainAsync("error");
        await using (f)
        {
            Assert.Equal(404, r.GetProperty("errorStatus").GetInt32());
            Assert.Equal("MODEL_NOT_FOUND", r.GetProperty("errorCode").GetString());
            Assert.Empty(f.Own.Calls);
        }
    }

    private static Task<(JsonElement Result, CascadeFixture Fixture)> RunVercelAsync(string feature)
        => RunAsync("vercel-ai-e2e.mjs", feature, "ai", Path.Combine("@ai-sdk", "openai-compatible"));

    private static Task<(JsonElement Result, CascadeFixture Fixture)> RunLangChainAsync(string feature)
        => RunAsync("langchain-e2e.mjs", feature, Path.Combine("@langchain", "openai"), Path.Combine("@langchain", "core"));

    // The hosted pool's model is declared an embedding model (embeddings go only to declared ones); chat stays on the
    // own GPU. The script runs the one step the test names.
    private static async Task<(JsonElement Result, CascadeFixture Fixture)> RunAsync(string script, string feature, params string[] packages)
    {
        foreach (var package in packages)
        {
            Skip.IfNot(Directory.Exists(Path.Combine(NodeScript.JsDir(), "node_modules", package)), $"tests/js/node_modules/{package} is missing: run `npm ci --prefix tests/js`");
        }

        var f = await CascadeFixture.StartAsync(c => c.Backends[1].EmbeddingModels = [Model]);
        try
        {
            var r = await NodeScript.RunAsync(script, f.Host.Router.BaseUrl, TestConfigs.KeyA, Model, new Dictionary<string, string> { ["ROUTER_EMBED_MODEL"] = Model, ["ROUTER_FEATURE"] = feature });
            return (r, f);
        }
        catch
        {
            await f.DisposeAsync();
            throw;
        }
    }
}
