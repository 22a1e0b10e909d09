using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Operator.Routing;
using Daalu.Operator.Tenancy;
using Daalu.Operator.Tests.Support;
using Daalu.Router.Hosting;
using Daalu.TestDoubles.OpenAICompatible;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Routing;

/// <summary>
/// End to end without a cluster: the Kubernetes API test server, the real operator (GpuNode, ModelServing,
/// RoutingPolicy and TenantQuota controllers on the real runtime), a real router (in-process RouterHost with the real
/// gateway: SQLite ledger, in-memory quota gate) reading the ConfigMap as the kubelet would mount it, and vLLM / OpenAI
/// test doubles. The samples in config/samples are applied with these adaptations: the ModelServings become endpoint
/// ModelServings pointing at the doubles (no GPU here), the policy's OpenAI provider points at the OpenAI double and its
/// Anthropic provider is dropped, team-a's key Secret gets a real value and its TenantQuota a small budget.
/// </summary>
public sealed class CascadeEndToEndTests
{
    private const string OwnModel = "Qwen/Qwen2.5-7B-Instruct-AWQ";
    private const string PoolModel = "Qwen/Qwen2.5-32B-Instruct-AWQ";
    private const string CoderModel = "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ";
    private const string TeamAKey = "team-a-e2e-key-0000000001";

    private static string Sample(string file) => Path.Combine(Paths.RepoRoot, "config", "samples", file);

    private static async Task<T> LoadSampleAsync<T>(string file) => KubernetesYaml.Deserialize<T>(await File.ReadAllTextAsync(Sample(file)));

    [Fact]
    public async Task Samples_OwnGpuThenHostedThenExternal_CodingNeverExternal_UsageInTenantQuotaStatus()
    {
        using var temp = new TempDirectory();
        var dir = temp.Path;
        await using var own = await VllmDouble.StartNewAsync("team-a-gpu", OwnModel);
        await using var pool = await VllmDouble.StartNewAsync("hosted-pool", PoolModel);
        await using var coder = await VllmDouble.StartNewAsync("hosted-coder", CoderModel);
        await using var external = await OpenAIDouble.StartNewAsync("sk-external-double-0001", "gpt-4.1-mini");
        await using var h = await RoutingHarness.StartAsync(configure: h =>
        {
            h.Extra = b => b.AddDaaluTenancy();
            h.Routing.KeysDirectory = Path.Combine(dir, "keys");
            h.Routing.Limits = new RouterLimits { ProbeIntervalMs = 200, ProbeTimeoutMs = 500 };
        });

        // --- Apply the samples (adapted, see the class comment) ---
        var providerKeys = await LoadSampleAsync<V1Secret>("v1_secret_external-provider-keys.yaml");
        providerKeys.StringData["openai"] = external.ApiKey;
        await h.Client.CoreV1.CreateNamespacedSecretAsync(providerKeys, RoutingHarness.Ns);
        await h.Client.CoreV1.CreateNamespacedSecretAsync(await LoadSampleAsync<V1Secret>("v1_secret_team-c-api-keys.yaml"), RoutingHarness.Ns);
        await h.Client.CoreV1.CreateNamespacedSecretAsync(await LoadSampleAsync<V1Secret>("v1_secret_hf-token.yaml"), RoutingHarness.Ns);
        var teamAKeys = await LoadSampleAsync<V1Secret>("v1_secret_team-a-api-keys.yaml");
        teamAKeys.StringData["key-1"] = TeamAKey;
        await h.Client.CoreV1.CreateNamespacedSecretAsync(teamAKeys, RoutingHarness.Ns);
        await h.Client.CoreV1.CreateNamespacedSecretAsync(await LoadSampleAsync<V1Secret>("v1_secret_lab-b-api-keys.yaml"), RoutingHarness.Ns);

        await h.CreateGpuHostNodeAsync("gpu-worker-1");
        await h.CreateGpuHostNodeAsync("gpu-worker-2", "NVIDIA-RTX-6000-Ada-Generation", "49140");
        await h.CreateGpuHostNodeAsync("gpu-worker-3", "NVIDIA-RTX-6000-Ada-Generation", "49140");
        await h.CreateAsync(await LoadSampleAsync<GpuNode>("ai.daalu.io_v1alpha1_gpunode_rtx2000-team-a.yaml"), "gpunodes");
        await h.CreateAsync(await LoadSampleAsync<GpuNode>("ai.daalu.io_v1alpha1_gpunode_rtx6000-lab-b-shared.yaml"), "gpunodes");
        await h.CreateAsync(await LoadSampleAsync<GpuNode>("ai.daalu.io_v1alpha1_gpunode_rtx6000-pool.yaml"), "gpunodes");
        await h.StartDevicePluginPodAsync("gpu-worker-1");
        await h.StartDevicePluginPodAsync("gpu-worker-2");
        await h.StartDevicePluginPodAsync("gpu-worker-3");

        var teamAServing = await LoadSampleAsync<ModelServing>("ai.daalu.io_v1alpha1_modelserving_team-a-general.yaml");
        teamAServing.Spec.GpuNode = null;
        teamAServing.Spec.Weights = null;
        teamAServing.Spec.Model = OwnModel;
        teamAServing.Spec.Endpoint = new ModelEndpoint { Url = own.BaseUrl, Tenant = "team-a", GpuClass = GpuClasses.Rtx2000Ada };
        await h.CreateAsync(teamAServing, "modelservings");
        var poolServing = await LoadSampleAsync<ModelServing>("ai.daalu.io_v1alpha1_modelserving_general-auto.yaml");
        poolServing.Spec.GpuNode = null;
        poolServing.Spec.Weights = null;
        poolServing.Spec.Model = PoolModel;
        poolServing.Spec.Endpoint = new ModelEndpoint { Url = pool.BaseUrl, Tenant = "lab-b", GpuClass = GpuClasses.Rtx6000Ada };
        await h.CreateAsync(poolServing, "modelservings");
        var coderServing = await LoadSampleAsync<ModelServing>("ai.daalu.io_v1alpha1_modelserving_coding.yaml");
        coderServing.Spec.GpuNode = null;
        coderServing.Spec.Weights = null;
        coderServing.Spec.Model = CoderModel;
        coderServing.Spec.Endpoint = new ModelEndpoint { Url = coder.BaseUrl, GpuClass = GpuClasses.Rtx6000Ada };
        await h.CreateAsync(coderServing, "modelservings");

        var policy = await LoadSampleAsync<RoutingPolicy>("ai.daalu.io_v1alpha1_routingpolicy_default.yaml");
        policy.Spec.Providers.RemoveAll(p => p.ApiStyle == ApiStyles.Anthropic);
        policy.Spec.Providers.Single().BaseUrl = external.ProviderBaseUrl;
        await h.CreateAsync(policy, "routingpolicies");

        var teamC = await LoadSampleAsync<TenantQuota>("ai.daalu.io_v1alpha1_tenantquota_consumer.yaml");
        await h.CreateAsync(teamC, "tenantquotas");
        await h.CreateAsync(await LoadSampleAsync<TenantQuota>("ai.daalu.io_v1alpha1_tenantquota_lab-b.yaml"), "tenantquotas");
        var teamA = await LoadSampleAsync<TenantQuota>("ai.daalu.io_v1alpha1_tenantquota_team-a.yaml");
        teamA.Spec.MonthlyTokenBudget = 1000;
        teamA.Spec.DefaultMaxTokens = 600;
        teamA.Spec.TokensPerMinute = 0;
        teamA.Spec.RequestsPerMinute = 0;
        await h.CreateAsync(teamA, "tenantquotas");

        // --- The operator compiles; the "kubelet" mounts the ConfigMap and Secrets; the router starts on them ---
        await h.WaitConfigAsync(c => c.Backends.Count == 3 && c.Providers.Count == 1 && c.Tenants.Any(t => t.Name == "team-a"), "the three backends, the provider and team-a in the ConfigMap");
        var configPath = await h.MaterializeAsync(dir);
        await using var router = await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = configPath,
            Urls = "http://127.0.0.1:0",
            Gateway = new Daalu.Gateway.GatewayOptions { LedgerPath = Path.Combine(dir, "ledger.db"), FlushInterval = TimeSpan.FromMilliseconds(100) },
            ConfigPollInterval = TimeSpan.FromMilliseconds(200),
        });
        h.Routing.RouterUrl = router.BaseUrl;
        using var kubelet = new CancellationTokenSource();
        var mounting = Task.Run(async () =>
        {
            while (!kubelet.IsCancellationRequested)
            {
                try
                {
                    await h.MaterializeAsync(dir);
                }
                catch (Exception ex) when (ex is IOException or k8s.Autorest.HttpOperationException or HttpRequestException)
                {
                    // A real kubelet retries too.
                }

                await Task.Delay(200, CancellationToken.None);
            }
        });

        try
        {
            // The policy reports the hash the router has loaded (read from the router, not assumed), and it is the
            // one in the ConfigMap.
            var loaded = await OperatorHarness.EventuallyAsync(
                async () => (Policy: await h.GetPolicyAsync("default"), ConfigMap: await h.TryGetConfigMapAsync()),
                x => x.Policy?.Status?.Conditions.Any(c => c.Type == RoutingReasons.ConfigLoadedCondition && c.Status == ConditionStatus.True) == true
                    && x.Policy.Status.ConfigHash == x.ConfigMap?.Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation],
                "router reports the ConfigMap's configuration as loaded", 30000);
            Assert.Equal(RoutingReasons.PhaseAccepted, loaded.Policy!.Status!.Phase);
            using var http = new HttpClient { BaseAddress = new Uri(router.BaseUrl) };
            await OperatorHarness.EventuallyAsync(async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, "router ready");

            // 1. A chat request runs on team-a's own GPU, free.
            using (var r = await ChatAsync(http, RequestClasses.Chat))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal((TierNames.OwnGpu, "daalu-system/team-a-general"), (Header(r, "X-Daalu-Tier"), Header(r, "X-Daalu-Backend")));
            }

            Assert.Single(own.Calls);

            // 2. The own GPU goes down: the next request runs on the hosted pool and is metered against team-a's quota.
            await own.StopAsync();
            pool.Chunks = 480;
            using (var r = await ChatAsync(http, RequestClasses.Chat))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal((TierNames.Hosted, "daalu-system/pool-general"), (Header(r, "X-Daalu-Tier"), Header(r, "X-Daalu-Backend")));
            }

            var hostedCall = Assert.Single(pool.Calls);
            var hostedTokens = hostedCall.ReportedPromptTokens + hostedCall.ReportedCompletionTokens;
            Assert.InRange(hostedTokens, 481, 999);

            // 3. Fewer tokens are left than a request reserves: the hosted pool refuses, the call runs on the external double.
            using (var r = await ChatAsync(http, RequestClasses.Chat))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal((TierNames.External, "openai"), (Header(r, "X-Daalu-Tier"), Header(r, "X-Daalu-Backend")));
                Assert.Contains("Hosted:daalu-system/pool-general=QuotaExceeded", Header(r, "X-Daalu-Route"), StringComparison.Ordinal);
            }

            Assert.Single(external.Calls);
            Assert.Single(pool.Calls);

            // 4. A coding request with the quota used up: the pool's coder refuses on quota (429, as OpenAI answers an
            // exhausted quota), and the external double saw nothing.
            using (var r = await ChatAsync(http, RequestClasses.Coding))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
                Assert.Contains("Hosted:daalu-system/pool-coder=QuotaExceeded", Header(r, "X-Daalu-Route"), StringComparison.Ordinal);
                Assert.DoesNotContain("External:openai", Header(r, "X-Daalu-Route"), StringComparison.Ordinal);
                Assert.Contains("insufficient_quota", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.Single(external.Calls);
            Assert.Empty(coder.Calls); // the pool's coder was refused on team-a's quota, before any call

            // 5. TenantQuota status shows it, read from the router's usage API.
            var status = (await OperatorHarness.EventuallyAsync(() => h.GetAsync<TenantQuota>("tenantquotas", "team-a"),
                q => q.Status?.Usage.Sum(u => u.Requests) == 3 && q.Status.TokensUsed == hostedTokens, "team-a usage in TenantQuota status", 20000)).Status!;
            Assert.Equal(TenantRoles.Owner, status.Role);
            Assert.Equal(
                [(TierNames.OwnGpu, RequestClasses.Chat, 1L), (TierNames.Hosted, RequestClasses.Chat, 1L), (TierNames.External, RequestClasses.Chat, 1L)],
                status.Usage.Select(u => (u.Tier, u.RequestClass, u.Requests)));
            Assert.Equal(1000 - hostedTokens, status.TokensRemaining);
            Assert.True(status.Spend > 0);
            Assert.True(status.CommercialEquivalent > status.Spend);
            Assert.InRange(status.SavingsPercent, 0.01m, 100m);
            var exceeded = status.Conditions.Single(c => c.Type == RoutingReasons.QuotaExceededCondition);
            Assert.Equal((ConditionStatus.True, RoutingReasons.BelowDefaultReservation), (exceeded.Status, exceeded.Reason));

            var consumer = (await OperatorHarness.EventuallyAsync(() => h.GetAsync<TenantQuota>("tenantquotas", "team-c"),
                q => q.Status?.Conditions.Any(c => c.Type == RoutingReasons.UsageAvailableCondition && c.Status == ConditionStatus.True) == true, "team-c usage read")).Status!;
            Assert.Equal(TenantRoles.Consumer, consumer.Role);
            Assert.Empty(consumer.Usage);
            var provider = (await OperatorHarness.EventuallyAsync(() => h.GetAsync<TenantQuota>("tenantquotas", "lab-b"),
                q => q.Status?.Role is not null, "lab-b role")).Status!;
            Assert.Equal(TenantRoles.Provider, provider.Role);

            // 6. The console: team-a logs in with its key (an Owner) and its Billing page carries the same three calls
            // by tier and class, the same tokens and the same spend as the TenantQuota status (both from the ledger).
            var billing = await ConsoleBillingModelAsync(router.BaseUrl);
            Assert.Equal(("billing", "team-a", "Owner"), (billing["page"]!.GetValue<string>(), billing["tenant"]!.GetValue<string>(), billing["role"]!.GetValue<string>()));
            var shown = billing["chart"]!["series"]!.AsArray()
                .Select(x => (Tier: x!["tier"]!.GetValue<string>(), Class: x["requestClass"]!.GetValue<string>(),
                    Requests: x["requests"]!.AsArray().Sum(v => v!.GetValue<long>()), Tokens: x["tokens"]!.AsArray().Sum(v => v!.GetValue<long>())))
                .Where(x => x.Requests > 0 || x.Tokens > 0)
                .OrderBy(x => Array.IndexOf(BillingTierOrder, x.Tier)).ThenBy(x => x.Class, StringComparer.Ordinal)
                .ToList();
            Assert.Equal(
                status.Usage.Select(u => (u.Tier, Class: u.RequestClass, u.Requests, Tokens: u.TokensIn + u.TokensOut))
                    .OrderBy(x => Array.IndexOf(BillingTierOrder, x.Tier)).ThenBy(x => x.Class, StringComparer.Ordinal).ToList(),
                shown);
            Assert.Equal(3, shown.Sum(x => x.Requests));
            Assert.Equal(status.Spend, billing["totals"]!["spend"]!.GetValue<decimal>());
        }
        finally
        {
            await kubelet.CancelAsync();
            await mounting;
        }
    }

    private static readonly string[] BillingTierOrder = [TierNames.OwnGpu, TierNames.Hosted, TierNames.External];

    /// <summary>Logs into the router's console with team-a's key (as a browser does: form POST with its Origin, cookie kept) and returns the Billing page's data model.</summary>
    private static async Task<JsonNode> ConsoleBillingModelAsync(string routerUrl)
    {
        var cookies = new CookieContainer();
        using var console = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = new Uri(routerUrl) };
        using var login = new HttpRequestMessage(HttpMethod.Post, "/console/login") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = TeamAKey }) };
        login.Headers.Add("Origin", routerUrl);
        using var loggedIn = await console.SendAsync(login);
        Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
        Assert.Equal("/console/factory", loggedIn.Headers.Location?.OriginalString);

        using var page = await console.GetAsync(new Uri("/console/billing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var model = Regex.Match(html, "<script type=\"application/json\" id=\"console-model\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(model.Success, "the Billing page carries its data model");
        return JsonNode.Parse(model.Groups[1].Value)!;
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
}
