using System.Globalization;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Engine.Simulator.Timing;
using Daalu.Router.Planning;

namespace Daalu.Router.Hosting.Demo;

/// <summary>
/// What the demo runs: the engines, the router configuration over them, and the lines it prints. Pure: no I/O.
/// Prices: the hosted pool's are the demo's own (a pool charges what its operator sets); the external provider's are
/// OpenAI's list prices for gpt-4.1-mini, $0.40 input / $1.60 output per million tokens (https://openai.com/api/pricing/,
/// as of 2025), also the commercial reference for the savings report.
/// </summary>
public static class DemoSetup
{
    /// <summary>Key of the GPU owner (enrolled in the pool with a small quota).</summary>
    public const string OwnerKey = "demo-owner";

    /// <summary>Key of the consumer (no GPU, a tiny pool quota so it runs out on screen).</summary>
    public const string ConsumerKey = "demo-consumer";

    /// <summary>Admin key (sees every tenant's usage).</summary>
    public const string AdminKey = "demo-admin";

    /// <summary>Key the external provider simulator expects.</summary>
    public const string ExternalKey = "demo-external-key";

    /// <summary>The owner's monthly hosted token budget.</summary>
    public const long OwnerBudget = 20_000;

    /// <summary>The consumer's monthly hosted token budget: about four short calls.</summary>
    public const long ConsumerBudget = 150;

    /// <summary>Served name of the general model (own GPU and pool).</summary>
    public const string GeneralModel = "qwen2.5-7b-instruct";

    /// <summary>Served name of the coding model (own GPU).</summary>
    public const string CodingModel = "qwen2.5-coder-7b-instruct";

    /// <summary>The external model.</summary>
    public const string ExternalModel = "gpt-4.1-mini";

    /// <summary>--max-num-seqs of the own GPU's engines.</summary>
    public const int OwnMaxNumSeqs = 4;

    /// <summary>The simulated engines.</summary>
    public static IReadOnlyList<DemoEngine> Engines { get; } =
    [
        // demo-owner's own RTX 2000 Ada: two AWQ models side by side, each with a small --max-num-seqs so a burst queues.
        new("own-general", "demo-owner", false, ModelPurposes.General, GeneralModel, ModelSpec.Qwen7BAwq, GpuClass.Rtx2000Ada, 0.45, OwnMaxNumSeqs),
        new("own-coding", "demo-owner", false, ModelPurposes.Coding, CodingModel, ModelSpec.QwenCoder7BAwq, GpuClass.Rtx2000Ada, 0.45, OwnMaxNumSeqs),
        // demo-provider's RTX 6000 Ada, shared with the hosted pool: a BF16 general model and an embedding model.
        new("pool-general", "demo-provider", true, ModelPurposes.General, GeneralModel, ModelSpec.Qwen7B, GpuClass.Rtx6000Ada, 0.8, 256),
        new("pool-embed", "demo-provider", true, ModelPurposes.General, ModelSpec.BgeM3.DefaultModelId, ModelSpec.BgeM3, GpuClass.Rtx6000Ada, 0.1, 256, Embedding: true),
    ];

    /// <summary>
    /// The router configuration over engines at <paramref name="engineUrls"/> (by engine name) and the external simulator;
    /// <paramref name="cardExporterUrls"/> (by owning tenant: one card each) are the cards' dcgm-exporter endpoints.
    /// </summary>
    public static RouterConfiguration Config(IReadOnlyDictionary<string, string> engineUrls, string externalBaseUrl, IReadOnlyDictionary<string, string>? cardExporterUrls = null)
    {
        ArgumentNullException.ThrowIfNull(engineUrls);
        var config = new RouterConfiguration
        {
            Tenants =
            [
                new TenantConfig { Name = "demo-owner", Keys = [new SecretSource { Value = OwnerKey }], Plan = Plan(OwnerBudget) },
                new TenantConfig { Name = "demo-consumer", Keys = [new SecretSource { Value = ConsumerKey }], Plan = Plan(ConsumerBudget) },
                new TenantConfig { Name = "demo-provider", Keys = [new SecretSource { Value = "demo-provider" }], Plan = Plan(OwnerBudget) },
                new TenantConfig { Name = "demo-admin", Admin = true, Keys = [new SecretSource { Value = AdminKey }] },
            ],
            Providers =
            [
                new ProviderConfig
                {
                    Name = "openai-sim",
                    BaseUrl = externalBaseUrl,
                    ApiKey = new SecretSource { Value = ExternalKey },
                    Models = [new ProviderModel { Name = ExternalModel, Serves = [ModelAliases.Auto, ModelAliases.General, GeneralModel], InputPricePerMTok = 0.40m, OutputPricePerMTok = 1.60m }],
                },
            ],
            Policies =
            [
                new PolicyConfig
                {
                    Name = "demo",
                    // A burst saturates the own GPU once two requests wait (vllm:num_requests_waiting, polled every 200 ms).
                    Saturation = new SaturationThresholds { KvCacheUsagePercent = 90, MaxRequestsWaiting = 2 },
                },
            ],
            Limits = new RouterLimits { ProbeIntervalMs = 200, ProbeTimeoutMs = 3000 },
        };
        foreach (var e in Engines)
        {
            config.Backends.Add(new BackendConfig
            {
                Name = e.Name,
                Tier = TierNames.OwnGpu,
                Tenant = e.Tenant,
                Shared = e.Shared,
                RevenueSharePercent = e.Shared ? 60 : 0,
                Purpose = e.Purpose,
                Url = engineUrls[e.Name],
                DcgmExporterUrl = cardExporterUrls?.GetValueOrDefault(e.Tenant),
                Models = [e.ServedName],
                EmbeddingModels = e.Embedding ? [e.ServedName] : [],
                Capability = 2,
                // The engine simulator serves POST /v1/responses as vLLM does (SimulatorApi.Responses.cs), so the demo's
                // Responses calls go to the card as the client wrote them, not translated to chat.
                ServesResponses = !e.Embedding,
            });
        }

        return config;
    }

    /// <summary>The cards: one per owning tenant, holding every engine of that tenant.</summary>
    public static IEnumerable<IGrouping<string, DemoEngine>> Cards => Engines.GroupBy(e => e.Tenant, StringComparer.Ordinal);

    /// <summary>The "try this" lines for a router at <paramref name="baseUrl"/>.</summary>
    public static IReadOnlyList<DemoStep> Steps(string baseUrl)
    {
        var b = baseUrl.TrimEnd('/');
        const string json = "-H 'Content-Type: application/json'";
        string Chat(string key, string body, string extraHeaders = "") =>
            $"curl -s {b}/v1/chat/completions -H 'Authorization: Bearer {key}' {extraHeaders}{json} -d '{body}'";
        const string where = " -w '\\n%{http_code} tier=%header{x-daalu-tier} model=%header{x-daalu-model}\\n'";
        return
        [
            new("own-gpu", "A chat call, served on demo-owner's own GPU (free, private):",
                Chat(OwnerKey, """{"model":"auto","messages":[{"role":"user","content":"Say hi"}]}""") + where),
            new("burst", string.Create(CultureInfo.InvariantCulture, $"A burst of 24 calls: the own GPU (max {OwnMaxNumSeqs} at once) saturates and the rest spill to the hosted pool:"),
                $"for i in $(seq 24); do {Chat(OwnerKey, """{"model":"auto","max_tokens":100,"messages":[{"role":"user","content":"Tell me a long story"}]}""").Replace("curl -s ", "curl -s -o /dev/null -w '%header{x-daalu-tier}\\n' ", StringComparison.Ordinal)} & sleep 0.1; done | sort | uniq -c"),
            new("quota", string.Create(CultureInfo.InvariantCulture, $"demo-consumer has no GPU and a {ConsumerBudget}-token pool quota: Hosted until it runs out, then External:"),
                $"for i in $(seq 8); do {Chat(ConsumerKey, """{"model":"auto","max_tokens":20,"messages":[{"role":"user","content":"Summarise our plan"}]}""").Replace("curl -s ", "curl -s -o /dev/null -w '%header{x-daalu-tier} ' ", StringComparison.Ordinal)}; done; echo"),
            new("coding-own", "A coding call, served by the coding model on the own GPU:",
                Chat(OwnerKey, """{"model":"coding","messages":[{"role":"user","content":"Write a function that reverses a list"}]}""", "-H 'X-Daalu-Request-Class: coding' ") + " -o /dev/null" + where),
            new("coding-never-external", "A coding call with nowhere private to run: refused (503), never sent to the external provider:",
                Chat(ConsumerKey, """{"model":"auto","messages":[{"role":"user","content":"Write a function that reverses a list"}]}""", "-H 'X-Daalu-Request-Class: coding' ") + " -w '\\n%{http_code} route=%header{x-daalu-route}\\n'"),
            new("tools", "Tools: the model answers with a tool call whose arguments fit the schema:",
                Chat(OwnerKey, """{"model":"auto","messages":[{"role":"user","content":"What is the weather in Paris? Use get_weather."}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}""")),
            new("embeddings", "Embeddings go only to the embedding model (BAAI/bge-m3 in the pool):",
                $"curl -s {b}/v1/embeddings -H 'Authorization: Bearer {OwnerKey}' {json} -d '{{\"model\":\"auto\",\"input\":\"hello world\"}}' -o /dev/null" + where),
            new("usage", "Usage and savings against the external price, every tenant (admin key):",
                $"curl -s '{b}/v1/usage?days=1' -H 'Authorization: Bearer {AdminKey}'"),
        ];
    }

    private static TenantPlanConfig Plan(long budget) => new()
    {
        MonthlyTokenBudget = budget,
        DefaultMaxTokens = 256,
        InputPerMTok = 0.10m,
        OutputPerMTok = 0.30m,
        ReferenceInputPerMTok = 0.40m,
        ReferenceOutputPerMTok = 1.60m,
    };
}
