using System.Text;
using Daalu.Router.Forwarding;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>
/// Which streamed chunks count toward the estimate of a stream cut before its usage figure (issue 16, deliverable 4).
/// The chunk shapes are vLLM's OpenAI server (serving_chat.py: a first chunk with the role and an empty content, a last
/// one with an empty delta and the finish_reason, a usage chunk with no choices under stream_options.include_usage;
/// tool calls as delta.tool_calls[].function name and argument fragments; serving_completion.py: choices[].text) and
/// the reasoning parsers' delta.reasoning_content. The end-to-end count is StreamEstimateTests.
/// </summary>
public sealed class TokenEventsTests
{
    [Theory]
    [InlineData("role only (vLLM's first chunk)", """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""", false)]
    [InlineData("finish chunk, empty delta", """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}""", false)]
    [InlineData("usage chunk, no choices", """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}""", false)]
    [InlineData("a content token", """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}""", true)]
    [InlineData("a reasoning token", """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"Let"},"finish_reason":null}]}""", true)]
    [InlineData("a tool call's name", """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""", true)]
    [InlineData("a tool call's argument fragment", """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}""", true)]
    [InlineData("a completions text token", """{"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" world","logprobs":null,"finish_reason":null}]}""", true)]
    [InlineData("text outside the choices does not count", """{"id":"chatcmpl-1","model":"content","content":"abc","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"text":"x"}""", false)]
    [InlineData("not JSON", """data: {"choices":[""", false)]
    public void CarriesTokens_VllmChunk_CountsOnlyGeneratedText(string what, string chunk, bool expected)
    {
        Assert.True(expected == TokenEvents.CarriesTokens(Encoding.UTF8.GetBytes(chunk)), what);
    }
}
