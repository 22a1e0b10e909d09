using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Operator.Controllers;
using Daalu.Operator.Hosting;
using Daalu.Operator.Routing;
using Daalu.Operator.Tenancy;
using Daalu.Router.Hosting;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Hosting;
using Daalu.TestDoubles.OpenAICompatible;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Testcontainers.K3s;
using k8s;
using k8s.Models;
using static Daalu.EndToEnd.Tests.K3sSupport;

namespace Daalu.EndToEnd.Tests.Cascade;

/// <summary>
/// The cascade scenario of tests/Daalu.Operator.Tests/Routing/CascadeEndToEndTests on a real Kubernetes (k3s in
/// Docker): CRDs from crds/, the operator's four controllers in this process against the cluster's API, the samples
/// applied with the same adaptations (endpoint ModelServings pointing at vLLM doubles on 127.0.0.1, the OpenAI
/// provider pointing at the OpenAI double, a TenantQuota for team-a), and a real router in this process reading the
/// ConfigMap and Secrets from the cluster as the kubelet would mount them (the cluster cannot run our router image or
/// reach the doubles on the host). Runs wherever a Docker engine answers; skipped with a one-line reason elsewhere.
/// </summary>
public sealed class K3sCascadeTests
{
    private const string Group = ApiGroup.Group;
    private const string Version = ApiGroup.Version;
    private const string Ns = "daalu-system";
    private const string OwnModel = "Qwen/Qwen2.5-7B-Instruct-AWQ";
    private const string PoolModel = "Qwen/Qwen2.5-32B-Instruct-AWQ";
    private const string TeamAKey = "team-a-e2e-key-0000000001";

    [SkippableFact]
    public async Task Samples_OnK3s_OwnGpuThenHostedThenExternal_CodingNeverExternal_UsageInStatus()
    {
        Skip.If(DockerEngine.WhyUnavailable is not null, DockerEngine.WhyUnavailable);

        var dir = Directory.CreateTempSubdirectory("daalu-k3s-cascade-").FullName;
        await using var own = await VllmDouble.StartNewAsync("team-a-gpu", OwnModel);
        await using var pool = await VllmDouble.StartNewAsync("hosted-pool", PoolModel);
        await using var external = await OpenAIDouble.StartNewAsync("sk-external-double-0001", "gpt-4.1-mini");
        await using var k3s = new K3sBuilder("rancher/k3s:v1.31.5-k3s1").Build();
        await k3s.StartAsync();
        using var kubeconfigStream = new MemoryStream(Encoding.UTF8.GetBytes(await k3s.GetKubeconfigAsync()));
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigStream);
        using var client = new Kubernetes(config);

        await InstallCrdsAsync(client);

        foreach (var ns in new[] { Ns, "daalu-device-plugin" })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        // The cluster's one node is team-a's RTX 2000 (GFD labels and an advertised GPU by hand; no device plugin).
        var nodeName = (await client.CoreV1.ListNodeAsync()).Items.First().Metadata.Name;
        await client.CoreV1.PatchNodeAsync(new V1Patch("""{"metadata":{"labels":{"nvidia.com/gpu.product":"NVIDIA-RTX-2000-Ada-Generation","nvidia.com/gpu.memory":"16380","nvidia.com/gpu.count":"1"}}}""", V1Patch.PatchType.MergePatch), nodeName);
        await client.CoreV1.PatchNodeStatusAsync(new V1Patch("""{"status":{"capacity":{"nvidia.com/gpu":"1"},"allocatable":{"nvidia.com/gpu":"1"}}}""", V1Patch.PatchType.MergePatch), nodeName);

        var routing = new RoutingSettings
        {
            RouterNamespace = Ns,
            KeysDirectory = Path.Combine(dir, "keys"),
            RouterUrl = "http://127.0.0.1:9",
            RetryInterval = TimeSpan.FromSeconds(1),
            UsageRefreshInterval = TimeSpan.FromSeconds(1),
            Limits = new RouterLimits { ProbeIntervalMs = 200, ProbeTimeoutMs = 500 },
        };
        using var host = StartOperator(config, routing);
        await host.StartAsync();
        try
        {
            // --- The samples, adapted ---
            var providerKeys = await LoadAsync<V1Secret>("v1_secret_external-provider-keys.yaml");
            providerKeys.StringData["openai"] = external.ApiKey;
            await client.CoreV1.CreateNamespacedSecretAsync(providerKeys, Ns);
            await client.CoreV1.CreateNamespacedSecretAsync(await LoadAsync<V1Secret>("v1_secret_team-c-api-keys.yaml"), Ns);
            await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "team-a-api-keys", NamespaceProperty = Ns },
                StringData = new Dictionary<string, string> { ["key-1"] = TeamAKey },
            }, Ns);

            var gpuNode = await LoadAsync<GpuNode>("ai.daalu.io_v1alpha1_gpunode_rtx2000-team-a.yaml");
            gpuNode.Spec.NodeName = nodeName;
            gpuNode.Spec.DevicePlugin.Enabled = false;
            gpuNode.Spec.DcgmExporter = null; // nor NVIDIA's dcgm-exporter, which the sample deploys for the console
            await client.CustomObjects.CreateClusterCustomObjectAsync(gpuNode, Group, Version, "gpunodes");

            var teamAServing = await LoadAsync<ModelServing>("ai.daalu.io_v1alpha1_modelserving_team-a-general.yaml");
            teamAServing.Spec.GpuNode = null;
            teamAServing.Spec.Weights = null;
            teamAServing.Spec.Purpose = ModelPurposes.General;
            teamAServing.Spec.Model = OwnModel;
            teamAServing.Spec.Endpoint = new ModelEndpoint { Url = own.BaseUrl, Tenant = "team-a", GpuClass = GpuClasses.Rtx2000Ada };
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(teamAServing, Group, Version, Ns, "modelservings");
            var poolServing = await LoadAsync<ModelServing>("ai.daalu.io_v1alpha1_modelserving_general-auto.yaml");
            poolServing.Spec.GpuClass = null;
            poolServing.Spec.GpuNode = null;
            poolServing.Spec.Weights = null;
            poolServing.Spec.Model = PoolModel;
            poolServing.Spec.Endpoint = new ModelEndpoint { Url = pool.BaseUrl, GpuClass = GpuClasses.Rtx6000Ada };
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(poolServing, Group, Version, Ns, "modelservings");

            var policy = await LoadAsync<RoutingPolicy>("ai.daalu.io_v1alpha1_routingpolicy_default.yaml");
            policy.Spec.Providers.RemoveAll(p => p.ApiStyle == ApiStyles.Anthropic);
            policy.Spec.Providers.Single().BaseUrl = external.ProviderBaseUrl;
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(policy, Group, Version, Ns, "routingpolicies");

            var teamC = await LoadAsync<TenantQuota>("ai.daalu.io_v1alpha1_tenantquota_consumer.yaml");
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(teamC, Group, Version, Ns, "tenantquotas");
            var teamA = await LoadAsync<TenantQuota>("ai.daalu.io_v1alpha1_tenantquota_consumer.yaml");
            teamA.Metadata.Name = "team-a";
            teamA.Spec.Tenant = "team-a";
            teamA.Spec.ApiKeySecretRefs = [new SecretKeyReference { Name = "team-a-api-keys", Key = "key-1" }];
            teamA.Spec.MonthlyTokenBudget = 1000;
            teamA.Spec.DefaultMaxTokens = 600;
            teamA.Spec.TokensPerMinute = 0;
            teamA.Spec.RequestsPerMinute = 0;
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(teamA, Group, Version, Ns, "tenantquotas");

            // --- The ConfigMap as the kubelet would mount it, and the router on it ---
            await EventuallyAsync(async () => await TryAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("daalu-router-config", Ns)),
                cm => cm?.Data?["config.yaml"] is { } text && text.Contains("daalu-system/pool-general", StringComparison.Ordinal)
                    && text.Contains("daalu-system/team-a-general", StringComparison.Ordinal));
            var configPath = await MaterializeAsync(client, routing, dir);
            await using var router = await RouterHost.StartAsync(new RouterHostOptions
            {
                ConfigPath = configPath,
                Urls = "http://127.0.0.1:0",
                Gateway = new Daalu.Gateway.GatewayOptions { LedgerPath = Path.Combine(dir, "ledger.db"), FlushInterval = TimeSpan.FromMilliseconds(100) },
                ConfigPollInterval = TimeSpan.FromMilliseconds(200),
            });
            routing.RouterUrl = router.BaseUrl;
            using var kubelet = new CancellationTokenSource();
            var mounting = Task.Run(async () =>
            {
                while (!kubelet.IsCancellationRequested)
                {
                    try
                    {
                        await MaterializeAsync(client, routing, dir);
                    }
                    catch (Exception ex) when (ex is IOException or k8s.Autorest.HttpOperationException or HttpRequestException)
                    {
                        // A real kubelet retries too.
                    }

                    await Task.Delay(300, CancellationToken.None);
                }
            });

            try
            {
                var loaded = await EventuallyAsync(() => GetAsync<RoutingPolicy>(client, "routingpolicies", "default"),
                    p => p.Status?.Conditions.Any(c => c.Type == RoutingReasons.ConfigLoadedCondition && c.Status == ConditionStatus.True) == true);
                Assert.Equal(RoutingReasons.PhaseAccepted, loaded.Status!.Phase);
                using var probe = new HttpClient();
                await EventuallyAsync(async () => (await probe.GetAsync(new Uri(router.BaseUrl + "/readyz"))).IsSuccessStatusCode, ok => ok);
                using var http = new HttpClient { BaseAddress = new Uri(router.BaseUrl) };

                using (var r = await ChatAsync(http, RequestClasses.Chat))
                {
                    Assert.Equal((HttpStatusCode.OK, TierNames.OwnGpu), (r.StatusCode, Header(r, "X-Daalu-Tier")));
                }

                await own.StopAsync();
                pool.Chunks = 480;
                using (var r = await ChatAsync(http, RequestClasses.Chat))
                {
                    Assert.Equal((HttpStatusCode.OK, TierNames.Hosted), (r.StatusCode, Header(r, "X-Daalu-Tier")));
                }

                var hosted = Assert.Single(pool.Calls);
                var hostedTokens = hosted.ReportedPromptTokens + hosted.ReportedCompletionTokens;
                using (var r = await ChatAsync(http, RequestClasses.Chat))
                {
                    Assert.Equal((HttpStatusCode.OK, TierNames.External), (r.StatusCode, Header(r, "X-Daalu-Tier")));
                    Assert.Contains("QuotaExceeded", Header(r, "X-Daalu-Route"), StringComparison.Ordinal);
                }

                using (var r = await ChatAsync(http, RequestClasses.Coding))
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
                }

                Assert.Single(external.Calls);

                var status = (await EventuallyAsync(() => GetAsync<TenantQuota>(client, "tenantquotas", "team-a"),
                    q => q.Status?.Usage.Sum(u => u.Requests) == 3 && q.Status.TokensUsed == hostedTokens)).Status!;
                Assert.Equal(TenantRoles.Owner, status.Role);
                Assert.Equal(ConditionStatus.True, status.Conditions.Single(c => c.Type == RoutingReasons.QuotaExceededCondition).Status);
            }
            finally
            {
                await kubelet.CancelAsync();
                await mounting;
            }
        }
        finally
        {
            await host.StopAsync();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the ledger may still be open.
            }
        }
    }

    private static IHost StartOperator(KubernetesClientConfiguration config, RoutingSettings routing)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IKubernetes>(new Kubernetes(config));
        builder.Services.AddSingleton(new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry()));
        builder.Services
            .AddDaaluOperator(o => o.LeaderElection.Enabled = false)
            .AddDaaluControllers(new OperatorSettings { DetectionInterval = TimeSpan.FromSeconds(1), ResyncPeriod = TimeSpan.FromSeconds(5) })
            .AddDaaluRouting(routing)
            .AddDaaluTenancy();
        return builder.Build();
    }

    /// <summary>What the kubelet does for the router pod: the ConfigMap key and the projected Secret keys as files.</summary>
    private static async Task<string> MaterializeAsync(Kubernetes client, RoutingSettings routing, string root)
    {
        // The operator writes the ConfigMap before the Deployment: mount what the pod of a Deployment that mounts every
        // Secret file the configuration names would see (the same wait as RoutingHarness.MaterializeAsync).
        var prefix = routing.KeysDirectory.TrimEnd('/') + "/";
        var (cm, deployment) = await EventuallyAsync(
            async () => (ConfigMap: await client.CoreV1.ReadNamespacedConfigMapAsync(routing.ConfigMapName, Ns), Deployment: await client.AppsV1.ReadNamespacedDeploymentAsync(routing.RouterName, Ns)),
            x => System.Text.RegularExpressions.Regex.Matches(x.ConfigMap.Data[routing.ConfigKey], System.Text.RegularExpressions.Regex.Escape(prefix) + "([^\"]+)")
                .Select(m => m.Groups[1].Value)
                .All((x.Deployment.Spec.Template.Spec.Volumes.SingleOrDefault(v => v.Name == "keys")?.Projected.Sources ?? [])
                    .SelectMany(s => s.Secret.Items.Select(i => i.Path)).ToHashSet(StringComparer.Ordinal).Contains));
        foreach (var source in deployment.Spec.Template.Spec.Volumes.SingleOrDefault(v => v.Name == "keys")?.Projected.Sources ?? [])
        {
            var secret = await TryAsync(() => client.CoreV1.ReadNamespacedSecretAsync(source.Secret.Name, Ns));
            foreach (var item in source.Secret.Items)
            {
                if (secret?.Data?.TryGetValue(item.Key, out var bytes) == true)
                {
                    var file = Path.Combine(root, "keys", item.Path);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    await File.WriteAllBytesAsync(file, bytes);
                }
            }
        }

        var path = Path.Combine(root, "router", routing.ConfigKey);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path + ".tmp", cm.Data[routing.ConfigKey]);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    private static async Task<HttpResponseMessage> ChatAsync(HttpClient http, string requestClass)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"auto","messages":[{"role":"user","content":"Say hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TeamAKey);
        request.Headers.Add("X-Daalu-Request-Class", requestClass);
        return await http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : string.Empty;

    private static async Task<T> LoadAsync<T>(string sample) =>
        KubernetesYaml.Deserialize<T>(await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "config", "samples", sample)));

    private static async Task<T> GetAsync<T>(Kubernetes client, string plural, string name) =>
        KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(await client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, Ns, plural, name)));
}
