using System.Net;
using System.Text.Json;
using Daalu.Operator.Detection;
using Daalu.TestDoubles.OpenAICompatible;

namespace Daalu.Operator.Tests.Detection;

public sealed class HttpServedModelDetectorTests
{
    [Fact]
    public void Parse_VllmShapeWithLora_ReadsIdRootAndMaxLen()
    {
        const string Body = """
            {"object":"list","data":[
              {"id":"coder","object":"model","created":1732000000,"owned_by":"vllm","root":"Qwen/Qwen2.5-Coder-14B-Instruct-AWQ","parent":null,"max_model_len":22272,"permission":[]},
              {"id":"sql-lora","object":"model","created":1732000000,"owned_by":"vllm","root":"/adapters/sql","parent":"coder","max_model_len":null,"permission":[]}]}
            """;

        var result = HttpServedModelDetector.Parse(JsonDocument.Parse(Body).RootElement);

        Assert.True(result.Reachable);
        Assert.Equal(["coder", "sql-lora"], result.Models.Select(m => m.Id));
        Assert.Equal("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", result.Models[0].Root);
        Assert.Equal(22272, result.Models[0].MaxModelLen);
        Assert.Null(result.Models[1].MaxModelLen);
    }

    [Theory]
    [InlineData("""{"object":"error","message":"x","type":"y","code":404}""")]
    [InlineData("""[]""")]
    [InlineData("""{"data":"nope"}""")]
    public void Parse_NotAModelList_Failed(string body) =>
        Assert.False(HttpServedModelDetector.Parse(JsonDocument.Parse(body).RootElement).Reachable);

    [Fact]
    public async Task DetectAsync_AgainstVllmDouble_ListsModels()
    {
        await using var vllm = await VllmDouble.StartNewAsync("vllm", "b-model", "a-model");
        using var http = new HttpClient();

        var result = await new HttpServedModelDetector(http).DetectAsync(vllm.BaseUrl, apiKey: null, CancellationToken.None);

        Assert.True(result.Reachable);
        Assert.Equal(["a-model", "b-model"], result.Models.Select(m => m.Id));
    }

    [Fact]
    public async Task DetectAsync_ServerError_FailedWithStatus()
    {
        using var handler = new CapturingHandler(HttpStatusCode.ServiceUnavailable);
        using var http = new HttpClient(handler);

        var result = await new HttpServedModelDetector(http).DetectAsync("http://remote.example:8000", null, CancellationToken.None);

        Assert.False(result.Reachable);
        Assert.Contains("503", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetectAsync_NothingListening_FailedQuickly()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();

        var result = await new HttpServedModelDetector(http, TimeSpan.FromSeconds(2)).DetectAsync($"http://127.0.0.1:{port}", null, CancellationToken.None);

        Assert.False(result.Reachable);
        Assert.Empty(result.Models);
    }

    [Fact]
    public async Task DetectAsync_ApiKey_SentAsBearer()
    {
        using var handler = new CapturingHandler();
        using var http = new HttpClient(handler);

        await new HttpServedModelDetector(http).DetectAsync("http://remote.example:8000/", "sk-123", CancellationToken.None);

        Assert.Equal("Bearer sk-123", handler.Authorization);
        Assert.Equal("http://remote.example:8000/v1/models", handler.Uri);
    }

    [Fact]
    public async Task DetectAsync_NotHttp_Refused()
    {
        using var http = new HttpClient();

        var result = await new HttpServedModelDetector(http).DetectAsync("file:///etc/passwd", null, CancellationToken.None);

        Assert.False(result.Reachable);
    }

    private sealed class CapturingHandler(HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        public string? Uri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            Uri = request.RequestUri?.ToString();
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("""{"object":"list","data":[]}""") });
        }
    }
}
