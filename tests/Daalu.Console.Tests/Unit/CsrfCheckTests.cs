using Daalu.Router.WebConsole.Security;

namespace Daalu.Console.Tests.Unit;

public sealed class CsrfCheckTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", null, "127.0.0.1:8080", true)]
    [InlineData("https://console.example.com", null, "console.example.com", true)]
    [InlineData("https://console.example.com", null, "console.example.com:443", true)]
    [InlineData("https://evil.example", null, "console.example.com", false)]
    [InlineData("http://127.0.0.1:9999", null, "127.0.0.1:8080", false)]
    [InlineData(null, "http://127.0.0.1:8080/console/factory", "127.0.0.1:8080", true)]
    [InlineData(null, "http://evil.example/page", "127.0.0.1:8080", false)]
    [InlineData(null, null, "127.0.0.1:8080", false)]
    [InlineData("null", null, "127.0.0.1:8080", false)]
    [InlineData("file:///tmp/x.html", null, "127.0.0.1:8080", false)]
    public void SameOrigin_OriginOrReferer_MatchesHostOnly(string? origin, string? referer, string host, bool expected)
    {
        Assert.Equal(expected, CsrfCheck.SameOrigin(origin, referer, host));
    }

    [Fact]
    public void TokenMatches_WrongOrMissing_Refused()
    {
        Assert.True(CsrfCheck.TokenMatches("abc123", "abc123"));
        Assert.False(CsrfCheck.TokenMatches("abc124", "abc123"));
        Assert.False(CsrfCheck.TokenMatches(null, "abc123"));
        Assert.False(CsrfCheck.TokenMatches(string.Empty, "abc123"));
    }
}
