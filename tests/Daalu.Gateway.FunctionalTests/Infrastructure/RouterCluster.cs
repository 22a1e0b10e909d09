using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Quota;
using Daalu.Gateway.Redis;
using Daalu.TestDoubles.OpenAICompatible;
using Daalu.TestDoubles.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A real redis-server, three upstream doubles (own GPU and hosted pool = vLLM doubles, external = OpenAI double) and
/// N router processes sharing one config, each with its own SQLite ledger. Records what the client saw for every call
/// and checks the "nothing lost" invariants I1-I4 (RELIABILITY.md) against the ledgers, the doubles and Redis.
/// Dispose kills every child process, also after a failed assertion.
/// </summary>
public sealed class RouterCluster : IAsyncDisposable
{
    /// <summary>The admin tenant's key (reads every tenant's usage and the provider credits).</summary>
    public const string AdminKey = "key-ops-functional-0001";

    /// <summary>team-a's key.</summary>
    public const string Key = "key-team-a-functional-0001";

    /// <summary>The tenant.</summary>
    public const string Tenant = "team-a";

    /// <summary>The model every tier serves.</summary>
    public const string Model = "m-general";

    private const string OpenAIKey = "sk-functional-openai";

    private RedisQuotaGate? _reader;

    private RouterCluster(string dir, RedisServer redis, VllmDouble own, VllmDouble pool, OpenAIDouble openAI, ClusterOptions options, Daalu.Gateway.Tests.PostgresServer? postgres, string? postgresDatabase)
    {
        Postgres = postgres;
        PostgresConnectionString = postgresDatabase;
        Dir = dir;
        Redis = redis;
        Own = own;
        Pool = pool;
        OpenAI = openAI;
        Options = options;
        Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxResponseDrainSize = 0 }) { Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The shared PostgreSQL ledger's server (with <see cref="ClusterOptions.Postgres"/>).</summary>
    public Daalu.Gateway.Tests.PostgresServer? Postgres { get; }

    /// <summary>Connection string of the shared ledger's database (with <see cref="ClusterOptions.Postgres"/>).</summary>
    public string? PostgresConnectionString { get; }

    /// <summary>Every ledger row: the shared PostgreSQL ledger, or every router's SQLite file.</summary>
    public IReadOnlyList<LedgerRow> ReadLedger() => PostgresConnectionString is { } cs ? LedgerReader.ReadPostgres(cs) : LedgerReader.Read(LedgerPaths);

    /// <summary>Scratch directory (config, ledgers).</summary>
    public string Dir { get; }

    /// <summary>The shared Redis.</summary>
    public RedisServer Redis { get; }

    /// <summary>team-a's own GPU (only in the config when <see cref="ClusterOptions.OwnGpu"/>).</summary>
    public VllmDouble Own { get; }

    /// <summary>The hosted pool backend.</summary>
    public VllmDouble Pool { get; }

    /// <summary>The external provider.</summary>
    public OpenAIDouble OpenAI { get; }

    /// <summary>The setup.</summary>
    public ClusterOptions Options { get; }

    /// <summary>How long the router processes took to become ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The router processes.</summary>
    public List<RouterProcess> Routers { get; } = [];

    /// <summary>Client used for every call (no response draining: a disposed unfinished response is a disconnect, as for a real client going away).</summary>
    public HttpClient Client { get; }

    /// <summary>Every call made through <see cref="SendAsync"/>, in completion order.</summary>
    public ConcurrentQueue<ClientCall> Calls { get; } = new();

    /// <summary>The config file.</summary>
    public string ConfigPath => Path.Combine(Dir, "router.json");

    /// <summary>Every ledger file of every router.</summary>
    public IEnumerable<string> LedgerPaths => Routers.Select(r => r.LedgerPath);

    /// <summary>Starts Redis, the doubles and the routers.</summary>
    public static async Task<RouterCluster> StartAsync(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dir = Directory.CreateTempSubdirectory("daalu-functional-").FullName;
        var redis = await RedisServer.StartAsync();
        var own = await VllmDouble.StartNewAsync("own-a", Model);
        var pool = await VllmDouble.StartNewAsync("pool-1", Model);
        var openAI = await OpenAIDouble.StartNewAsync(OpenAIKey, "gpt-ext");
        var postgres = options.Postgres ? await Daalu.Gateway.Tests.PostgresServer.StartAsync() : null;
        var database = postgres is null ? null : await postgres.CreateDatabaseAsync();
        var cluster = new RouterCluster(dir, redis, own, pool, openAI, options, postgres, database);
        var environment = new Dictionary<string, string>(options.Environment);
        if (database is not null)
        {
            environment["DAALU_POSTGRES_CONNECTION_STRING"] = database;
        }

        try
        {
            await File.WriteAllTextAsync(cluster.ConfigPath, JsonSerializer.Serialize(cluster.BuildConfig(), RouterConfigJsonContext.Default.RouterConfiguration));
            // Started together: most of a start is waiting (JIT, first probe round), which overlaps well.
            var sw = Stopwatch.StartNew();
            var starting = Enumerable.Range(0, options.Replicas).Select(i =>
            {
                var args = options.RouterArgs.Concat(i < options.PerReplicaArgs.Count ? options.PerReplicaArgs[i] : []);
                return RouterProcess.StartAsync(cluster.ConfigPath, Path.Combine(dir, $"ledger-{i}.db"), redis.Url, args, cluster.Client, environment);
            }).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                cluster.Routers.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            cluster.StartupTime = sw.Elapsed;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    private RouterConfiguration BuildConfig()
    {
        var plan = Options.Plan;
        var config = new RouterConfiguration
        {
            Tenants =
            [
                new TenantConfig { Name = Tenant, Keys = [new SecretSource { Value = Key }], Plan = plan },
                new TenantConfig { Name = "ops", Admin = true, Keys = [new SecretSource { Value = AdminKey }] },
            ],
            Backends =
            [
                Options.SharedPool
                    ? new BackendConfig { Name = "pool-1", Tier = TierNames.Hosted, Url = Pool.BaseUrl, Models = [Model], Capability = 3, Tenant = "team-b", Shared = true, RevenueSharePercent = 60 }
                    : new BackendConfig { Name = "pool-1", Tier = TierNames.Hosted, Url = Pool.BaseUrl, Models = [Model], Capability = 3 },
            ],
            Providers =
            [
                new ProviderConfig
                {
                    Name = "openai",
                    ApiStyle = ApiStyles.OpenAI,
                    BaseUrl = OpenAI.ProviderBaseUrl,
                    ApiKey = new SecretSource { Value = OpenAIKey },
                    Models = [new ProviderModel { Name = "gpt-ext", Serves = [Model, "auto", "general"], InputPricePerMTok = 1, OutputPricePerMTok = 2 }],
                },
            ],
            Policies =
            [
                new PolicyConfig
                {
                    Name = "default",
                    Tiers = Options.Tiers,
                    Timeouts = new RoutingTimeouts { ConnectMs = 1000, FirstByteMs = Options.UpstreamTimeoutMs, StreamIdleMs = Options.UpstreamTimeoutMs },
                    CircuitBreaker = new CircuitBreakerSettings { ConsecutiveFailures = 3, OpenSeconds = 10 },
                },
            ],
            Limits = new RouterLimits { ProbeIntervalMs = 500, ProbeTimeoutMs = 1000, MaxRequestBodyBytes = 64 * 1024, MaxJsonDepth = 64 },
        };
        if (Options.SharedPool)
        {
            // The contributor of the shared card; no key of its own is needed for the tests.
            config.Tenants.Add(new TenantConfig { Name = "team-b", Keys = [new SecretSource { Value = "key-team-b-functional-0001" }] });
        }

        if (Options.OwnGpu)
        {
            config.Backends.Insert(0, new BackendConfig { Name = "own-a", Tier = TierNames.OwnGpu, Tenant = Tenant, Url = Own.BaseUrl, Models = [Model], Capability = 2 });
        }

        return config;
    }

    /// <summary>Rewrites the config file with another plan for team-a (the routers reload it).</summary>
    public async Task UpdatePlanAsync(TenantPlanConfig plan)
    {
        var config = BuildConfig();
        config.Tenants[0].Plan = plan;
        var tmp = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(tmp, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        File.Move(tmp, ConfigPath, overwrite: true);
    }

    /// <summary>One chat call to router <paramref name="replica"/>; the outcome is recorded in <see cref="Calls"/>.</summary>
    public async Task<ClientCall> SendAsync(int replica, bool stream = false, string requestClass = "chat", int maxTokens = 50, CancellationToken ct = default)
    {
        var id = "fn-" + Guid.NewGuid().ToString("N");
        var body = $"{{\"model\":\"{Model}\",\"max_tokens\":{maxTokens},\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"Hello there, please answer briefly.\"}}]}}";
        using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(Routers[replica].BaseUrl + "/v1/chat/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        req.Headers.Add("X-Request-Id", id);
        req.Headers.Add("X-Daalu-Request-Class", requestClass);
        var sw = Stopwatch.StartNew();
        ClientCall call;
        try
        {
            using var resp = await Client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
            var text = await resp.Content.ReadAsStringAsync(ct);
            var status = (int)resp.StatusCode;
            var ok = status == 200 && (stream ? text.Contains("data: [DONE]", StringComparison.Ordinal) : text.Contains("\"choices\"", StringComparison.Ordinal));
            call = new ClientCall(id, Tenant, requestClass, status, Header(resp, "X-Daalu-Tier"), Header(resp, "X-Daalu-Route"), text, ok, sw.Elapsed);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // Connection reset by a killed router, or a cancel: the client did not see a success.
            call = new ClientCall(id, Tenant, requestClass, 0, "", "", ex.GetType().Name, false, sw.Elapsed);
        }

        Calls.Enqueue(call);
        return call;
    }

    /// <summary>Spent and reserved hosted tokens of team-a this period, read from Redis.</summary>
    public async Task<(long Spent, long Reserved)> ReadQuotaAsync()
    {
        var gate = _reader ??= new RedisQuotaGate(new GatewayOptions { RedisUrl = Redis.Url, RedisTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System, NullLogger<RedisQuotaGate>.Instance);
        var period = QuotaMath.PeriodOf(DateTimeOffset.UtcNow);
        // The test's own read: on a loaded machine one read can pass the 2 s timeout (the gate answers null, as it
        // does for the router); try again a few times before calling Redis absent.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await gate.ReadAsync(Tenant, period) is { } r)
            {
                return r;
            }
        }

        throw new InvalidOperationException("Redis did not answer the quota read in 5 tries");
    }

    /// <summary>
    /// Checks I1-I4. <paramref name="strict"/>: every call a double completed has a ledger row (off after a SIGKILL,
    /// where an upstream may finish for a router that died before it could record).
    /// </summary>
    public async Task<IReadOnlyList<LedgerRow>> AssertInvariantsAsync(bool strict = true)
    {
        var calls = Calls.ToList();
        var successes = calls.Where(c => c.Success).ToList();
        var rows = await LedgerReader.WaitForRowsAsync(ReadLedger, successes.Select(s => s.RequestId).ToList(), TimeSpan.FromSeconds(15));

        // I1: one row per success, unique on (request id, attempt) across every replica's ledger, on the tier the client saw.
        var dupes = rows.GroupBy(r => (r.RequestId, r.Attempt)).Where(g => g.Count() > 1).Select(g => g.Key.RequestId).ToList();
        Assert.True(dupes.Count == 0, $"I1: duplicate (request id, attempt) rows: {string.Join(", ", dupes.Take(5))}");
        var byId = rows.ToLookup(r => r.RequestId, StringComparer.Ordinal);
        foreach (var s in successes)
        {
            var mine = byId[s.RequestId].ToList();
            Assert.True(mine.Count == 1, $"I1: success {s.RequestId} ({s.Tier}) has {mine.Count} ledger rows; route {s.Route}");
            Assert.Equal(s.Tier, mine[0].Tier);
        }

        // I2: ledger tokens equal what the doubles reported, per tenant and tier.
        var tenantOf = calls.ToDictionary(c => c.RequestId, c => c.Tenant, StringComparer.Ordinal);
        var reported = new List<(string Tenant, string Tier, string Id, long In, long Out)>();
        foreach (var (tier, dbl) in new (string, OpenAICompatibleDouble)[] { (TierNames.OwnGpu, Own), (TierNames.Hosted, Pool), (TierNames.External, OpenAI) })
        {
            foreach (var r in dbl.Calls.Where(r => r.Completed && tenantOf.ContainsKey(r.RequestId)))
            {
                reported.Add((tenantOf[r.RequestId], tier, r.RequestId, r.ReportedPromptTokens, r.ReportedCompletionTokens));
            }
        }

        var full = rows.Where(r => !r.Partial).ToList();
        Assert.All(full, r => Assert.False(r.Estimated, $"I2: row {r.RequestId} is estimated although the double reported usage"));
        var rowIds = full.Select(r => (r.RequestId, r.Tier)).ToHashSet();
        if (strict)
        {
            var unrecorded = reported.Where(r => !rowIds.Contains((r.Id, r.Tier))).Select(r => r.Id).ToList();
            Assert.True(unrecorded.Count == 0, $"I2: calls the doubles completed without a ledger row: {string.Join(", ", unrecorded.Take(5))}");
        }

        foreach (var g in full.GroupBy(r => (r.Tenant, r.Tier)))
        {
            var ledgerIn = g.Sum(r => r.TokensIn);
            var ledgerOut = g.Sum(r => r.TokensOut);
            var ids = g.Select(r => r.RequestId).ToHashSet(StringComparer.Ordinal);
            var dbl = reported.Where(r => r.Tenant == g.Key.Tenant && r.Tier == g.Key.Tier && ids.Contains(r.Id)).ToList();
            Assert.True(dbl.Count == g.Count(), $"I2: {g.Count()} {g.Key.Tier} rows but {dbl.Count} completed double calls for them");
            Assert.Equal((dbl.Sum(r => r.In), dbl.Sum(r => r.Out)), (ledgerIn, ledgerOut));
        }

        // I3: no reservation left behind (settle/release may be retried shortly after a Redis fault).
        await AssertReservedReturnsToZeroAsync(TimeSpan.FromSeconds(10));

        // I4: the external provider never saw a coding request.
        var coding = calls.Where(c => c.RequestClass == "coding").Select(c => c.RequestId).ToHashSet(StringComparer.Ordinal);
        var leaked = OpenAI.Calls.Where(r => coding.Contains(r.RequestId)).ToList();
        Assert.True(leaked.Count == 0, $"I4: {leaked.Count} coding requests reached the external provider");
        return rows;
    }

    /// <summary>I3: Redis's reserved counter for team-a reaches 0 within <paramref name="within"/>.</summary>
    public async Task AssertReservedReturnsToZeroAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var q = await ReadQuotaAsync();
        while (q.Reserved != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            q = await ReadQuotaAsync();
        }

        Assert.True(q.Reserved == 0, $"I3: {q.Reserved} tokens still reserved (spent {q.Spent})");
    }

    /// <summary>Waits until at least <paramref name="seconds"/> remain in the current UTC minute (RPM/TPM windows are Unix minutes).</summary>
    public static async Task EnsureMinuteHeadroomAsync(int seconds)
    {
        var now = DateTimeOffset.UtcNow;
        var left = 60 - now.Second - (now.Millisecond / 1000.0);
        if (left < seconds)
        {
            await Task.Delay(TimeSpan.FromSeconds(left + 0.05));
        }
    }

    /// <summary>The refusal reasons in a route header (QuotaExceeded(reason)).</summary>
    public static IEnumerable<string> RefusalReasons(string route) =>
        route.Split(", ", StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.Contains("=QuotaExceeded(", StringComparison.Ordinal))
            .Select(p => p[(p.IndexOf("=QuotaExceeded(", StringComparison.Ordinal) + "=QuotaExceeded(".Length)..].TrimEnd(')'));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var r in Routers)
        {
            await r.DisposeAsync();
        }

        Client.Dispose();
        if (_reader is not null)
        {
            await _reader.DisposeAsync();
        }

        await Own.DisposeAsync();
        await Pool.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Redis.DisposeAsync();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Header(HttpResponseMessage resp, string name) =>
        resp.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";

    internal static string Describe(IEnumerable<ClientCall> calls) =>
        string.Join("; ", calls.GroupBy(c => (c.Status, c.Tier)).Select(g => $"{g.Key.Status}/{g.Key.Tier}: {g.Count()}"));
}
