using System.Text;
using Daalu.Router.Api;
using Daalu.Router.Planning;
using Daalu.Router.Translation;
using Xunit;

namespace Daalu.Router.Tests.Api;

/// <summary>The inbound dialect stage without a host: bytes in the client's API to the cascade's request or a refusal.</summary>
public sealed class InboundStageTests
{
    private static (ParsedRequest? Request, RequestError? Error) Read(string body, InboundApi api, string endpoint = RequestFeatures.Chat) =>
        InboundStage.Read(Encoding.UTF8.GetBytes(body), api, endpoint, 64, TimeProvider.System);

    [Fact]
    public void Read_ChatCompletion_ClientBytesKeptAndNoDialect()
    {
        const string body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        var (req, error) = Read(body, InboundApi.OpenAI);

        Assert.Null(error);
        Assert.Equal(body, Encoding.UTF8.GetString(req!.Raw!));
        Assert.Null(req.Dialect);
        Assert.Null(req.ClientBody);
        Assert.True(req.Stream);
        Assert.Equal(RequestFeatures.Chat, req.Features.Endpoint);
    }

    [Fact]
    public void Read_Embeddings_EmbeddingsFeatures()
    {
        var (req, error) = Read("{\"model\":\"e\",\"input\":[\"a\",\"b\"]}", InboundApi.OpenAI, RequestFeatures.Embeddings);

        Assert.Null(error);
        Assert.Equal(RequestFeatures.Embeddings, req!.Features.Endpoint);
    }

    [Fact]
    public void Read_Responses_ChatRequestWithResponsesDialectAndTheClientBody()
    {
        const string body = "{\"model\":\"m\",\"instructions\":\"S\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}]}";

        var (req, error) = Read(body, InboundApi.Responses);

        Assert.Null(error);
        Assert.IsType<ResponsesDialect>(req!.Dialect);
        Assert.Equal("system", req.Body["messages"]![0]!["role"]!.GetValue<string>());
        Assert.True(req.Features.HasTools);
        Assert.Equal("hi", req.ClientBody!["input"]!.GetValue<string>());
        Assert.Null(req.Raw);
    }

    [Fact]
    public void Read_AnthropicMessages_ChatRequestWithMessagesDialectNoClientBody()
    {
        var (req, error) = Read("{\"model\":\"m\",\"max_tokens\":64,\"system\":\"S\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", InboundApi.AnthropicMessages);

        Assert.Null(error);
        Assert.IsType<AnthropicMessagesDialect>(req!.Dialect);
        Assert.Equal(64, req.MaxTokens);
        Assert.Null(req.ClientBody);
    }

    [Theory]
    [InlineData(InboundApi.OpenAI, "{\"model\":\"m\"}", "messages")]
    [InlineData(InboundApi.Responses, "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}", "previous_response_id")]
    [InlineData(InboundApi.AnthropicMessages, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens")]
    public void Read_InvalidForItsApi_400NamingTheParameter(InboundApi api, string body, string param)
    {
        var (req, error) = Read(body, api);

        Assert.Null(req);
        Assert.Equal(400, error!.Status);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void ErrorShape_EachApi_AnthropicShapeOnlyForMessages()
    {
        Assert.Null(InboundStage.ErrorShape(InboundApi.OpenAI));
        Assert.Null(InboundStage.ErrorShape(InboundApi.Responses));
        Assert.IsType<AnthropicMessagesDialect>(InboundStage.ErrorShape(InboundApi.AnthropicMessages));
    }
}
