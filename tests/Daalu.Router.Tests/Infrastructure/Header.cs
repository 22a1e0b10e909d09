namespace Daalu.Router.Tests.Infrastructure;

public static class Header
{
    public static string Get(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : "";
}
