using k8s;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Daalu.Runtime.Hosting;

/// <summary>
/// The client configuration of an operator running outside a cluster (development, the benchmark), from a kubeconfig.
/// </summary>
/// <remarks>
/// KubernetesClient's own loader reads a kubeconfig with its general YAML deserializer, whose first use builds an
/// attribute table for every Kubernetes model type (52,530 entries, about 5 MiB of live heap, and the type data of every
/// model; 11-20 MiB of the operator's RSS, docs/benchmarks.md). A kubeconfig needs none of it: its model classes name
/// their YAML keys themselves. One kubeconfig file is read here with a plain deserializer and handed to the library's
/// <see cref="KubernetesClientConfiguration.BuildConfigFromConfigObject"/>, which does everything else (contexts,
/// credentials, certificates, exec plugins) as before, with paths relative to the file as the library resolves them. A
/// <c>KUBECONFIG</c> list of several files, a missing file or no kubeconfig at all go to the library's own
/// <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/>: its merge rules, its errors and its fallbacks.
/// </remarks>
public static class Kubeconfig
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    /// <summary>
    /// Builds the configuration from the <c>KUBECONFIG</c> path list or, when it is unset, from
    /// <see cref="KubernetesClientConfiguration.KubeConfigDefaultLocation"/>.
    /// </summary>
    public static KubernetesClientConfiguration Load() => Load(
        Environment.GetEnvironmentVariable("KUBECONFIG"),
        KubernetesClientConfiguration.KubeConfigDefaultLocation,
        KubernetesClientConfiguration.BuildDefaultConfig);

    /// <summary><see cref="Load()"/> with the variable, the default path and the library's loader given.</summary>
    internal static KubernetesClientConfiguration Load(string? kubeconfigVariable, string defaultPath, Func<KubernetesClientConfiguration> library)
    {
        string path;
        if (kubeconfigVariable is null)
        {
            path = defaultPath;
        }
        else
        {
            var files = kubeconfigVariable.Split(Path.PathSeparator).Select(f => f.Trim('"')).ToArray();
            if (files.Length != 1)
            {
                return library();
            }

            path = files[0];
        }

        if (!File.Exists(path))
        {
            return library();
        }

        K8SConfiguration? config;
        using (var reader = File.OpenText(path))
        {
            config = Deserializer.Deserialize<K8SConfiguration?>(reader);
        }

        if (config is null)
        {
            throw new k8s.Exceptions.KubeConfigException($"kubeconfig file {Path.GetFullPath(path)} is empty");
        }

        // As the library's loader does: certificate and key paths in the file are relative to the file.
        config.FileName = Path.GetFullPath(path);
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config);
    }
}
