namespace Daalu.KubeApiServer;

/// <summary>A parsed resource URL: <c>/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]</c> or the <c>/apis/{group}/{version}</c> form.</summary>
internal sealed record Route(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public static Route? Parse(string path, IReadOnlyList<ResourceType> types, out bool knownPrefix)
    {
        knownPrefix = false;
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = (string.Empty, segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        knownPrefix = true;
        var s = segments[rest..];
        string? ns = null;
        if (s[0] == "namespaces" && s.Length >= 3 && !(s.Length == 3 && s[2] is "status" or "finalize"))
        {
            ns = s[1];
            s = s[2..];
        }

        if (s.Length > 3)
        {
            return null;
        }

        var type = types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == s[0]);
        if (type is null)
        {
            return null;
        }

        var name = s.Length > 1 ? Uri.UnescapeDataString(s[1]) : null;
        var sub = s.Length > 2 ? s[2] : null;
        if (!type.Namespaced && ns is not null)
        {
            return null;
        }

        if (type.Namespaced && ns is null && name is not null)
        {
            return null;
        }

        if (sub is not null && !(sub == "status" && type.HasStatusSubresource))
        {
            return null;
        }

        return new Route(type, ns, name, sub);
    }
}
