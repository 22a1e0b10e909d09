using System.Security.Cryptography;
using System.Text;

namespace Daalu.Operator.Children;

/// <summary>Deterministic names for child objects, so a reconcile always finds what an earlier one made.</summary>
public static class ChildNames
{
    /// <summary>The device plugin DaemonSet's name.</summary>
    public const string DevicePlugin = "nvidia-device-plugin";

    /// <summary>
    /// The vLLM Deployment and Service name for a ModelServing: <c>ms-&lt;name&gt;</c>. A Service name must be a DNS-1035
    /// label of at most 63 characters, so long names are cut and end in a short hash of the full name to stay unique.
    /// </summary>
    public static string ForModelServing(string modelServingName)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelServingName);
        var name = "ms-" + modelServingName.ToLowerInvariant().Replace('.', '-');
        if (name.Length <= 63)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(modelServingName)))[..8];
        return name[..(63 - 9)].TrimEnd('-') + "-" + hash;
    }
}
