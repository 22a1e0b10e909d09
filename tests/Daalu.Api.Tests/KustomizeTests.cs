using System.Diagnostics;
using System.Text.Json.Nodes;
using Daalu.CrdValidation;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>`kubectl kustomize config/default` builds offline and emits the whole install.</summary>
public sealed class KustomizeTests
{
    private static readonly Lazy<(List<JsonObject>? Objects, string? SkipReason)> Built = new(Build);

    [SkippableFact]
    public void Kustomize_Default_EmitsTheFourCrds()
    {
        var objects = Objects();
        var crds = objects.Where(o => Kind(o) == "CustomResourceDefinition").Select(Name).Order(StringComparer.Ordinal);
        Assert.Equal(["gpunodes.ai.daalu.io", "modelservings.ai.daalu.io", "routingpolicies.ai.daalu.io", "tenantquotas.ai.daalu.io"], crds);
        foreach (var crd in objects.Where(o => Kind(o) == "CustomResourceDefinition"))
        {
            Assert.Equal("-1", crd["metadata"]!["annotations"]?["argocd.argoproj.io/sync-wave"]?.GetValue<string>());
        }
    }

    [SkippableFact]
    public void Kustomize_Default_EmitsOperatorDeploymentInDaaluSystem_RouterLeftToTheOperator()
    {
        var objects = Objects();
        // The operator creates the router Deployment and Service (issue 6); GitOps must not own them too.
        var deployments = objects.Where(o => Kind(o) == "Deployment").ToList();
        Assert.Equal(["daalu-operator"], deployments.Select(Name));
        Assert.All(deployments, d => Assert.Equal("daalu-system", Namespace(d)));
        Assert.DoesNotContain(objects, o => Kind(o) == "Service" && Name(o) == "daalu-router");
        Assert.Equal(["daalu-device-plugin", "daalu-system"], objects.Where(o => Kind(o) == "Namespace").Select(Name).Order(StringComparer.Ordinal));
        var operatorEnv = deployments[0]["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Contains(operatorEnv, e => e!["name"]!.GetValue<string>() == "DAALU_ROUTER_IMAGE");

        foreach (var d in deployments)
        {
            AssertRestrictedWithProbes(d);
        }

        var operatorArgs = deployments.Single(d => Name(d) == "daalu-operator")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => a!.GetValue<string>());
        Assert.Contains("--leader-elect", operatorArgs);
    }

    [SkippableFact]
    public void Kustomize_Default_RbacIsLeastPrivilege()
    {
        var objects = Objects();
        Assert.Equal(["daalu-operator", "daalu-router"], objects.Where(o => Kind(o) == "ServiceAccount").Select(Name).Order(StringComparer.Ordinal));
        Assert.Contains(objects, o => Kind(o) == "ClusterRole");
        Assert.Contains(objects, o => Kind(o) == "ClusterRoleBinding");
        Assert.Contains(objects, o => Kind(o) == "Role");
        Assert.Contains(objects, o => Kind(o) == "RoleBinding");

        foreach (var role in objects.Where(o => Kind(o) is "ClusterRole" or "Role"))
        {
            foreach (var rule in role["rules"]!.AsArray())
            {
                var resources = rule!["resources"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
                var verbs = rule["verbs"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
                Assert.DoesNotContain("*", resources);
                Assert.DoesNotContain("*", verbs);
                if (resources.Contains("secrets"))
                {
                    // Secrets are read by name only: never list or watch (that would expose every Secret). The
                    // operator may create one (the router admin key), only in its own namespace (a Role).
                    Assert.Equal(["secrets"], resources);
                    Assert.DoesNotContain("list", verbs);
                    Assert.DoesNotContain("watch", verbs);
                    Assert.True(verbs.SequenceEqual(["get"]) || (Kind(role) == "Role" && verbs.SequenceEqual(["create"])), $"{Kind(role)} {Name(role)}: secrets verbs {string.Join(",", verbs)}");
                }
            }
        }

        // The router reads Secrets only in its own namespace.
        Assert.Contains(objects, o => Kind(o) == "Role" && Name(o) == "daalu-router" && o["rules"]!.AsArray().Any(r => r!["resources"]!.AsArray().Any(x => x!.GetValue<string>() == "secrets")));
        Assert.DoesNotContain(objects, o => Kind(o) == "ClusterRoleBinding" && o["subjects"]!.AsArray().Any(s => s!["name"]!.GetValue<string>() == "daalu-router"));

        // The operator's Deployment uses its own ServiceAccount, the router its own.
        foreach (var d in objects.Where(o => Kind(o) == "Deployment"))
        {
            Assert.Equal(Name(d), d["spec"]!["template"]!["spec"]!["serviceAccountName"]!.GetValue<string>());
        }
    }

    [SkippableFact]
    public void Kustomize_RouterBase_RestrictedDeploymentAndService()
    {
        Objects();
        var router = Run(RepoPaths.Of("config", "router"));
        var deployment = Assert.Single(router, o => Kind(o) == "Deployment");
        Assert.Equal("daalu-router", Name(deployment));
        Assert.Equal("daalu-system", Namespace(deployment));
        AssertRestrictedWithProbes(deployment);
        var service = Assert.Single(router, o => Kind(o) == "Service" && Name(o) == "daalu-router");
        Assert.Equal(80, service["spec"]!["ports"]![0]!["port"]!.GetValue<long>());
    }

    private static void AssertRestrictedWithProbes(JsonObject d)
    {
        var pod = d["spec"]!["template"]!["spec"]!;
        Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>(), $"{Name(d)} runAsNonRoot");
        Assert.Equal("RuntimeDefault", pod["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
        foreach (var c in pod["containers"]!.AsArray())
        {
            var sc = c!["securityContext"]!;
            Assert.False(sc["allowPrivilegeEscalation"]!.GetValue<bool>());
            Assert.True(sc["readOnlyRootFilesystem"]!.GetValue<bool>());
            Assert.Equal(["ALL"], sc["capabilities"]!["drop"]!.AsArray().Select(x => x!.GetValue<string>()));
            Assert.Equal("/healthz", c["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.Equal("/readyz", c["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.NotNull(c["resources"]!["limits"]);
        }
    }

    [SkippableFact]
    public void Kustomize_Samples_BuildsWithOnlyPlaceholderSecrets()
    {
        Objects();
        var samples = Run(RepoPaths.Of("config", "samples"));
        // Every file listed in the samples' kustomization, one object each (5 Secrets, 3 GpuNodes, 3 ModelServings,
        // 1 RoutingPolicy, 3 TenantQuotas).
        Assert.Equal(15, samples.Count);
        foreach (var secret in samples.Where(o => Kind(o) == "Secret"))
        {
            Assert.All(secret["stringData"]!.AsObject(), kv => Assert.StartsWith("REPLACE-", kv.Value!.GetValue<string>(), StringComparison.Ordinal));
        }

        Assert.DoesNotContain(samples, o => Kind(o) == "GpuNode" && o["metadata"]!["namespace"] is not null);
    }

    // Issue 17: kustomize builds without deprecation warnings. Every kustomization under config/, so one added later
    // (config/monitoring was, with commonLabels) is held to it too; Run fails on any "Warning" kustomize prints.
    public static TheoryData<string> Kustomizations() => new(
        Directory.GetFiles(RepoPaths.Of("config"), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Of("config"), Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    [SkippableTheory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomize_EveryKustomizationUnderConfig_BuildsWithoutWarnings(string directory)
    {
        Objects();
        Assert.NotEmpty(Run(RepoPaths.Of(["config", .. directory.Split('/')])));
    }

    [Fact]
    public void Kustomizations_UnderConfig_UseNoDeprecatedField()
    {
        // The same rule without kubectl (CI on Debian 12 has kubectl 1.20, whose kustomize v2 skips the builds above):
        // kustomize v5 warns on these fields (its `kustomize edit fix` replaces them).
        string[] deprecated = ["commonLabels:", "bases:", "patchesStrategicMerge:", "patchesJson6902:", "vars:", "imageTags:"];
        foreach (var file in Directory.GetFiles(RepoPaths.Of("config"), "kustomization.yaml", SearchOption.AllDirectories))
        {
            var fields = File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith('#')).ToList();
            foreach (var field in deprecated)
            {
                Assert.False(fields.Any(l => l.StartsWith(field, StringComparison.Ordinal)), $"{file} uses the deprecated `{field.TrimEnd(':')}`");
            }
        }
    }

    private static List<JsonObject> Objects()
    {
        var (objects, skip) = Built.Value;
        Skip.If(objects is null, skip);
        return objects!;
    }

    private static (List<JsonObject>?, string?) Build()
    {
        var kubectl = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
            .Select(p => Path.Combine(p, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            return (null, "kubectl is not installed (Debian package kubernetes-client); cannot run kubectl kustomize");
        }

        if (ClientMinor(kubectl) is { } minor and < 21)
        {
            return (null, $"kubectl 1.{minor} embeds kustomize v2, older than config/'s `labels:` and directory resources (kubectl >= 1.21 needed)");
        }

        return (Run(RepoPaths.Of("config", "default"), kubectl), null);
    }

    private static int? ClientMinor(string kubectl)
    {
        var psi = new ProcessStartInfo(kubectl, ["version", "--client", "-o", "json"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        _ = p.StandardError.ReadToEndAsync();
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var minor = JsonNode.Parse(text)?["clientVersion"]?["minor"]?.GetValue<string>();
        return int.TryParse(new string((minor ?? string.Empty).TakeWhile(char.IsDigit).ToArray()), out var m) ? m : null;
    }

    private static List<JsonObject> Run(string directory, string kubectl = "kubectl")
    {
        var psi = new ProcessStartInfo(kubectl, ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"kubectl kustomize {directory} failed: " + stderr.Result);
        // kustomize prints deprecations (bases, commonLabels, patchesStrategicMerge, ...) as "# Warning: ..." on stderr.
        Assert.DoesNotContain("Warning", stderr.Result, StringComparison.OrdinalIgnoreCase);
        return YamlJson.ParseAll(stdout).Select(n => n!.AsObject()).ToList();
    }

    private static string Kind(JsonObject o) => o["kind"]!.GetValue<string>();

    private static string Name(JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();

    private static string? Namespace(JsonObject o) => o["metadata"]!["namespace"]?.GetValue<string>();
}
