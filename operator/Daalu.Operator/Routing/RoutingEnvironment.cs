using System.Globalization;

namespace Daalu.Operator.Routing;

/// <summary>
/// Router settings from the operator's environment (so the host's flags stay as they are): DAALU_ROUTER_IMAGE,
/// DAALU_ROUTER_REPLICAS (1-20), DAALU_ROUTER_REDIS_URL. Bad values are refused with a clear message.
/// </summary>
public static class RoutingEnvironment
{
    /// <summary>Image variable.</summary>
    public const string ImageVariable = "DAALU_ROUTER_IMAGE";

    /// <summary>Replicas variable.</summary>
    public const string ReplicasVariable = "DAALU_ROUTER_REPLICAS";

    /// <summary>Redis URL variable.</summary>
    public const string RedisVariable = "DAALU_ROUTER_REDIS_URL";

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

        if (settings.Replicas > 1 && settings.RedisUrl is null)
        {
            // Each replica would keep its own quota counters and a tenant could spend its budget once per replica.
            throw new ArgumentException($"{ReplicasVariable}={settings.Replicas} needs {RedisVariable}: without Redis each router replica counts quotas on its own");
        }

        return settings;
    }
}
