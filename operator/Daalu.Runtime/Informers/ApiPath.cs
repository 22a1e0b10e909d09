namespace Daalu.Runtime.Informers;

/// <summary>
/// The parts of a Kubernetes API URL path: <c>/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]</c> or
/// <c>/apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/SUB]]</c>.
/// </summary>
internal readonly record struct ApiPath(string Group, string Plural, string? Namespace, string? Name, string? Subresource)
{
    public static bool TryParse(string path, out ApiPath parsed)
    {
        parsed = default;
        var segments = (path ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (group, rest) = segments switch
        {
            ["api", _, .. var r] => (string.Empty, r),
            ["apis", var g, _, .. var r] => (g, r),
            _ => (string.Empty, (string[]?)null),
        };
        if (rest is null || rest.Length == 0)
        {
            return false;
        }

        string? ns = null;
        if (rest is ["namespaces", var n, _, ..])
        {
            ns = n;
            rest = rest[2..];
        }

        if (rest.Length > 3)
        {
            return false;
        }

        parsed = new ApiPath(group, rest[0], ns, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
        return true;
    }
}
