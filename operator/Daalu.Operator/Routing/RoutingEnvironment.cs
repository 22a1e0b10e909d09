using System.Globalization;

namespace Daalu.Operator.Routing;

/// <summary>
/// Router settings from the operator's environment (so the host's flags stay as they are): DAALU_ROUTER_IMAGE,
/// DAALU_ROUTER_REPLICAS (1-20), DAALU_ROUTER_REDIS_URL, DAALU_ROUTER_REDIS_SECRET and DAALU_ROUTER_POSTGRES_SECRET
/// (<c>name</c> or <c>name/key</c> of a Secret in the router namespace), DAALU_ROUTER_LEDGER_STORAGE_CLASS and
/// DAALU_ROUTER_LEDGER_STORAGE_SIZE. Bad values are refused with a clear message. Replicas above one without shared
/// stores are not an error here: the router runs one replica and the RoutingPolicies say why (<see cref="RouterStorePlan"/>).
/// </summary>
public static class RoutingEnvironment
{
    /// <summary>Image variable.</summary>
    public const string ImageVariable = "DAALU_ROUTER_IMAGE";

    /// <summary>Replicas variable.</summary>
    public const string ReplicasVariable = "DAALU_ROUTER_REPLICAS";

    /// <summary>Redis URL variable.</summary>
    public const string RedisVariable = "DAALU_ROUTER_REDIS_URL";

    /// <summary>Secret holding the Redis URL (name or name/key).</summary>
    public const string RedisSecretVariable = "DAALU_ROUTER_REDIS_SECRET";

    /// <summary>Secret holding the PostgreSQL connection string of the shared ledger (name or name/key).</summary>
    public const string PostgresSecretVariable = "DAALU_ROUTER_POSTGRES_SECRET";

    /// <summary>StorageClass of the single replica's ledger claim.</summary>
    public const string LedgerStorageClassVariable = "DAALU_ROUTER_LEDGER_STORAGE_CLASS";

    /// <summary>Size of the single replica's ledger claim (a Kubernetes quantity, e.g. 1Gi).</summary>
    public const string LedgerStorageSizeVariable = "DAALU_ROUTER_LEDGER_STORAGE_SIZE";

    /// <summary>Settings for a router in <paramref name="routerNamespace"/>; <paramref name="lookup"/> reads a variable (null when unset).</summary>
    public static RoutingSettings Read(string routerNamespace, Func<string, string?> lookup)
    {
        ArgumentException.ThrowIfNullOrEmpty(routerNamespace);
        ArgumentNullException.ThrowIfNull(lookup);
        var settings = new RoutingSettings { RouterNamespace = routerNamespace };
        if (lookup(ImageVariable) is { Length: > 0 } image)
        {
            if (image.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"{ImageVariable} must be an image reference without spaces, not '{image}'");
            }

            settings.Image = image;
        }

        if (lookup(ReplicasVariable) is { Length: > 0 } replicasText)
        {
            if (!int.TryParse(replicasText, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas is < 1 or > 20)
            {
                throw new ArgumentException($"{ReplicasVariable} must be a whole number from 1 to 20, not '{replicasText}'");
            }

            settings.Replicas = replicas;
        }

        if (lookup(RedisVariable) is { Length: > 0 } redis)
        {
            settings.RedisUrl = redis;
        }

        if (lookup(RedisSecretVariable) is { Length: > 0 } redisSecret)
        {
            (settings.RedisSecretName, settings.RedisSecretKey) = SecretRef(RedisSecretVariable, redisSecret, settings.RedisSecretKey);
        }

        if (lookup(PostgresSecretVariable) is { Length: > 0 } postgresSecret)
        {
            (settings.PostgresSecretName, settings.PostgresSecretKey) = SecretRef(PostgresSecretVariable, postgresSecret, settings.PostgresSecretKey);
        }

        if (lookup(LedgerStorageClassVariable) is { Length: > 0 } storageClass)
        {
            settings.LedgerStorageClass = storageClass;
        }

        if (lookup(LedgerStorageSizeVariable) is { Length: > 0 } size)
        {
            try
            {
                _ = new k8s.Models.ResourceQuantity(size).ToDecimal();
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
            {
                throw new ArgumentException($"{LedgerStorageSizeVariable} must be a Kubernetes quantity such as 1Gi, not '{size}'", ex);
            }

            settings.LedgerStorageSize = size;
        }

        return settings;
    }

    private static (string Name, string Key) SecretRef(string variable, string value, string defaultKey)
    {
        var parts = value.Split('/');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"{variable} must be a Secret name or name/key, not '{value}'");
        }

        return (parts[0], parts.Length == 2 ? parts[1] : defaultKey);
    }
}
