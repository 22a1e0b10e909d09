using System.ClientModel;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;
using Xunit;

namespace Daalu.Router.Tests.Dialects;

/// <summary>
/// The official OpenAI .NET library (NuGet OpenAI 2.15.0) as a real caller: Chat Completions and the Responses API
/// (its ResponsesClient parses every response and streaming update with its own generated models).
/// </summary>
#pragma warning disable OPENAI001 // The Responses client is marked experimental by the library.
public sealed class OpenAIDotNetClientTests
{
    private static Uri V1(CascadeFixture f) => new($"{f.Host.Router.BaseUrl}/v1");

    [Fact]
    public async Task ChatClient_PlainStreamingAndTools_WorkThroughRouter()
    {
        await using var f = await CascadeFixture.StartAsync();
        var chat = new ChatClient("m-general", new ApiKeyCredential(TestConfigs.KeyA), new OpenAIClientOptions { Endpoint = V1(f) });

        ChatCompletion plain = await chat.CompleteChatAsync([new UserChatMessage("Say hello")]);
        Assert.StartsWith("answer from own", plain.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, plain.FinishReason);
        Assert.True(plain.Usage.OutputTokenCount > 0);

        var streamed = "";
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            streamed += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", streamed);

        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")) } };
        ChatCompletion tool = await chat.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);
        Assert.Equal(ChatFinishReason.ToolCalls, tool.FinishReason);
        Assert.Equal("get_weather", Assert.Single(tool.ToolCalls).FunctionName);
        Assert.Equal(3, f.Own.Calls.Count);
    }

    [Fact]
    public async Task ResponsesClient_CreateStreamingAndFunctionCall_WorkThroughRouter()
    {
        await using var f = await CascadeFixture.StartAsync();
        var client = new ResponsesClient(new ApiKeyCredential(TestConfigs.KeyA), new ResponsesClientOptions { Endpoint = V1(f) });

        ResponseResult plain = await client.CreateResponseAsync(new CreateResponseOptions("m-general", [ResponseItem.CreateUserMessageItem("Say hello")]) { Instructions = "Be brief" });
        Assert.StartsWith("answer from own", plain.GetOutputText(), StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Completed, plain.Status);
        Assert.Equal(5, plain.Usage.OutputTokenCount);

        var deltas = "";
        var sequence = new List<int>();
        ResponseResult? completed = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(new CreateResponseOptions("m-general", [ResponseItem.CreateUserMessageItem("Say hello")]) { StreamingEnabled = true }))
        {
            sequence.Add(update.SequenceNumber);
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                deltas += delta.Delta;
            }
            else if (update is StreamingResponseCompletedUpdate done)
            {
                completed = done.Response;
            }
        }

        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", deltas);
        Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        Assert.Equal(deltas, completed?.GetOutputText());

        var withTool = new CreateResponseOptions("m-general", [ResponseItem.CreateUserMessageItem("Weather in Paris?")])
        {
            Tools = { ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), strictModeEnabled: false, functionDescription: "Weather") },
        };
        ResponseResult tool = await client.CreateResponseAsync(withTool);
        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(tool.OutputItems));
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("{\"city\":\"Paris\"}", call.FunctionArguments.ToString());

        var followUp = new CreateResponseOptions("m-general", [ResponseItem.CreateUserMessageItem("Weather in Paris?"), ResponseItem.CreateFunctionCallItem(call.CallId, call.FunctionName, call.FunctionArguments), ResponseItem.CreateFunctionCallOutputItem(call.CallId, "18C")]);
        ResponseResult answer = await client.CreateResponseAsync(followUp);
        Assert.Equal(ResponseStatus.Completed, answer.Status);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync(new CreateResponseOptions("m-general", [ResponseItem.CreateUserMessageItem("and then?")]) { PreviousResponseId = plain.Id }));
        Assert.Equal(400, refused.Status);
        Assert.Equal(4, f.Own.Calls.Count);
    }
}
