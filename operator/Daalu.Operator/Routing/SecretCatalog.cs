namespace Daalu.Operator.Routing;

/// <summary>
/// Which Secret keys exist (never their values), so the compiler can refuse references to missing Secrets without
/// doing I/O. Keyed by namespace and Secret name.
/// </summary>
public sealed class SecretCatalog
{
    private readonly Dictionary<(string Namespace, string Name), HashSet<string>> _keys = [];

    /// <summary>Records that Secret <paramref name="name"/> in <paramref name="ns"/> exists with these data keys.</summary>
    public SecretCatalog Add(string ns, string name, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys[(ns, name)] = new HashSet<string>(keys, StringComparer.Ordinal);
        return this;
    }

    /// <summary>Whether the Secret exists.</summary>
    public bool Exists(string ns, string name) => _keys.ContainsKey((ns, name));

    /// <summary>Whether the Secret exists and has the key.</summary>
    public bool Has(string ns, string name, string key) => _keys.TryGetValue((ns, name), out var k) && k.Contains(key);
}
