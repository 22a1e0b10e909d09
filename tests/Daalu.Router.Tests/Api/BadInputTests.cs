using System.Net;
using System.Text;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Api;

public sealed class BadInputTests : IAsyncLifetime
{
    private CascadeFixture _f = null!;

    public async Task InitializeAsync() => _f = await CascadeFixture.StartAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    public static TheoryData<string, string, int, string> Cases() => new()
    {
        { "/v1/chat/completions", "{not json", 400, "invalid_json" },
        { "/v1/chat/completions", "[1,2]", 400, "invalid_json" },
        { "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"m-general\"}", 400, "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"messages\":[]}", 400, "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", 400, "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", 400, "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"max_tokens\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"temperature\":7,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"n\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"tools\":{},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}", 400, "invalid_json" },
        { "/v1/chat/completions", "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 404, "model_not_found" },
        { "/v1/completions", "{\"model\":\"m-general\"}", 400, "missing_required_parameter" },
        { "/v1/embeddings", "{\"model\":\"m-general\",\"input\":{}}", 400, "invalid_type" },
        { "/v1/embeddings", "{\"model\":\"m-general\",\"input\":\"x\",\"stream\":true}", 400, "invalid_value" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_BadBody_OpenAIShaped4xxAndNoUpstreamCall(string path, string body, int status, string code)
    {
        var (resp, text) = await _f.Host.SendAsync(RouterTestHost.Post(path, TestConfigs.KeyA, body));

        Assert.Equal(status, (int)resp.StatusCode);
        Assert.Contains($"\"code\":\"{code}\"", text, StringComparison.Ordinal);
        Assert.Contains("\"error\":{\"message\":", text, StringComparison.Ordinal);
        AssertNoUpstream();
    }

    [Theory]
    [InlineData("GET", "/v1/no-such-route")]
    [InlineData("POST", "/v2/chat/completions")]
    public async Task UnknownUrl_OpenAIShaped404NamingIt(string method, string path)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), path);
        req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestConfigs.KeyA);
        var (resp, text) = await _f.Host.SendAsync(req);

        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.Contains($"\"message\":\"Invalid URL ({method} {path})\"", text, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"invalid_request_error\"", text, StringComparison.Ordinal);
        AssertNoUpstream();
    }

    [Fact]
    public async Task Post_InvalidUtf8_400()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"AB\"}]}");
        var i = Array.IndexOf(bytes, (byte)'A');
        bytes[i] = 0xC3;
        bytes[i + 1] = 0x28;
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new ByteArrayContent(bytes) };
        req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestConfigs.KeyA);
        var (resp, text) = await _f.Host.SendAsync(req);

        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Contains("invalid_json", text, StringComparison.Ordinal);
        AssertNoUpstream();
    }

    // A repeated name would make the parsed object throw when first read, wherever that is; it is refused up front.
    [Theory]
    [InlineData("{\"model\":\"m-general\",\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")]
    [InlineData("{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"role\":\"user\",\"content\":\"x\"}]}")]
    [InlineData("{\"model\":\"m-general\",\"metadata\":{\"a\":1,\"a\":2},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")]
    public async Task Post_RepeatedPropertyName_400(string body)
    {
        var (resp, text) = await _f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, body));

        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Contains("\"code\":\"invalid_json\"", text, StringComparison.Ordinal);
        Assert.Contains("repeats a property name", text, StringComparison.Ordinal);
        AssertNoUpstream();
    }

    [Fact]
    public async Task Post_DeeplyNested_400()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var (resp, text) = await _f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, $"{{\"model\":\"m-general\",\"x\":{deep},\"messages\":[]}}"));

        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Contains("deeper than 64", text, StringComparison.Ordinal);
        AssertNoUpstream();
    }

    [Fact]
    public async Task Post_Oversized_413BeforeReservation()
    {
        var big = new string('a', 100 * 1024);
        var (resp, text) = await _f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, $"{{\"model\":\"m-general\",\"messages\":[{{\"role\":\"user\",\"content\":\"{big}\"}}]}}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, resp.StatusCode);
        Assert.Contains("request_too_large", text, StringComparison.Ordinal);
        Assert.Equal(0, _f.Host.Quota.Reserves);
        AssertNoUpstream();
    }

    [Fact]
    public async Task Post_BadKeyOrBadClassHeader_401And400WithRouteHeaders()
    {
        var (r1, _) = await _f.Host.SendAsync(RouterTestHost.Chat("wrong-key-123"));
        Assert.Equal(HttpStatusCode.Unauthorized, r1.StatusCode);
        Assert.Equal("none", Header.Get(r1, "X-Daalu-Tier"));
        var (r2, t2) = await _f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, requestClass: "poetry"));
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);
        Assert.Contains("invalid_request_class", t2, StringComparison.Ordinal);
        foreach (var h in new[] { "X-Daalu-Tier", "X-Daalu-Backend", "X-Daalu-Model", "X-Daalu-Route" })
        {
            Assert.NotEqual("", Header.Get(r2, h));
        }

        AssertNoUpstream();
    }

    private void AssertNoUpstream()
    {
        Assert.Empty(_f.Own.Calls);
        Assert.Empty(_f.Hosted.Calls);
        Assert.Empty(_f.OpenAI.Calls);
    }
}
