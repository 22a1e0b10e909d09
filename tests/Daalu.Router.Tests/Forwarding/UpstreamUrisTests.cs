using Daalu.Contracts.RouterConfig;
using Daalu.Router.Forwarding;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public class UpstreamUrisTests
{
    [Fact]
    public void For_SameOwnerAndPath_BuildsTheUriOnceWithoutTrailingSlashes()
    {
        var backend = new BackendConfig { Name = "b", Url = "http://10.0.0.7:8000//" };
        var chat = UpstreamUris.For(backend, backend.Url, "/v1/chat/completions");

        Assert.Equal("http://10.0.0.7:8000/v1/chat/completions", chat.AbsoluteUri);
        Assert.Same(chat, UpstreamUris.For(backend, backend.Url, "/v1/chat/completions"));
        Assert.Equal("http://10.0.0.7:8000/v1/embeddings", UpstreamUris.For(backend, backend.Url, "/v1/embeddings").AbsoluteUri);
        Assert.Same(chat, UpstreamUris.For(backend, backend.Url, "/v1/chat/completions"));
    }

    // Another owner with the same URL gets its own entry; an owner whose URL changed in place gets the new one.
    [Fact]
    public void For_OtherOwnerOrChangedUrl_NeverServesAStaleUri()
    {
        var a = new BackendConfig { Name = "a", Url = "http://10.0.0.7:8000" };
        var b = new BackendConfig { Name = "b", Url = "http://10.0.0.9:8000" };
        var first = UpstreamUris.For(a, a.Url, "/v1/completions");

        Assert.Equal("http://10.0.0.9:8000/v1/completions", UpstreamUris.For(b, b.Url, "/v1/completions").AbsoluteUri);
        a.Url = "http://10.0.0.8:8000";
        var moved = UpstreamUris.For(a, a.Url, "/v1/completions");
        Assert.Equal("http://10.0.0.8:8000/v1/completions", moved.AbsoluteUri);
        Assert.NotSame(first, moved);
    }
}
