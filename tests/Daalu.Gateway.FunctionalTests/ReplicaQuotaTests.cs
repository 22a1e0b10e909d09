using System.Globalization;
using System.Text.RegularExpressions;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.FunctionalTests.Infrastructure;
using Daalu.TestDoubles.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Daalu.Gateway.FunctionalTests;

/// <summary>
/// Quota limits held across several router processes that share one Redis ("Router under load" and "Quota and
/// metering consistency" in RELIABILITY.md). Every test ends with the I1-I4 checks.
/// </summary>
public sealed partial class ReplicaQuotaTests(ITestOutputHelper output)
{
    private static readonly string[] PatientRedis = ["--redis-timeout-ms", "2000"];

    [SkippableFact]
    public async Task RequestsPerMinute_ThreeReplicas_AtMostRHostedInTheWindow()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        const int R = 10;
        const int Total = 36;
        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            Replicas = 3,
            Plan = Plan(budget: 10_000_000, rpm: R),
            RouterArgs = PatientRedis,
        });
        await RouterCluster.EnsureMinuteHeadroomAsync(10);
        var minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        var calls = await Task.WhenAll(Enumerable.Range(0, Total).Select(i => c.SendAsync(i % 3, stream: i % 2 == 0)));
        var sameWindow = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 == minute;

        var hosted = calls.Count(x => x.Success && x.Tier == TierNames.Hosted);
        var rpmRefusals = calls.Count(x => RouterCluster.RefusalReasons(x.Route).Contains(QuotaRefusalReasons.RequestsPerMinute));
        output.WriteLine($"RPM R={R}, {Total} calls over 3 replicas: hosted {hosted}, refused RequestsPerMinute {rpmRefusals}, same window {sameWindow}; {RouterCluster.Describe(calls)}; routers ready in {c.StartupTime.TotalSeconds:F1} s");
        Assert.All(calls, x => Assert.True(x.Success, $"{x.Status} {x.Tier} {x.Route}"));
        Assert.True(hosted <= (sameWindow ? R : 2 * R), $"{hosted} hosted successes with RPM {R} across replicas");
        Assert.True(hosted >= 1, "the hosted tier admitted nothing");
        Assert.Equal(Total - hosted, calls.Count(x => x.Tier == TierNames.External));
        Assert.Equal(Total - hosted, rpmRefusals);
        await c.AssertInvariantsAsync();
    }

    [SkippableFact]
    public async Task TokensPerMinute_ThreeReplicas_ReadTheSharedCounter()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        const long Tpm = 400;
        const int Total = 24;
        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            Replicas = 3,
            Plan = Plan(budget: 10_000_000, tpm: Tpm),
            RouterArgs = PatientRedis,
        });
        await RouterCluster.EnsureMinuteHeadroomAsync(10);
        var minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        var calls = new List<ClientCall>();
        for (var i = 0; i < Total; i++)
        {
            // Round robin, one at a time: each replica must see what the other two spent a moment ago.
            calls.Add(await c.SendAsync(i % 3));
        }

        Skip.If(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 != minute, "the sequence crossed a minute boundary on a very slow machine");
        var admitted = calls.Select(x => x.Tier == TierNames.Hosted).ToList();
        var firstRefusal = admitted.IndexOf(false);
        output.WriteLine($"TPM {Tpm}: {admitted.Count(a => a)} of {Total} sequential round-robin calls admitted on Hosted; first refusal at call {firstRefusal}: {(firstRefusal >= 0 ? calls[firstRefusal].Route : "none")}");
        Assert.All(calls, x => Assert.True(x.Success, $"{x.Status} {x.Tier} {x.Route}"));
        Assert.True(firstRefusal >= 3, $"expected each replica to admit before the limit, first refusal at {firstRefusal}");
        Assert.Contains(QuotaRefusalReasons.TokensPerMinute, RouterCluster.RefusalReasons(calls[firstRefusal].Route));

        // A replica reading a stale local copy would admit again after another replica refused.
        Assert.True(admitted.Skip(firstRefusal).All(a => !a), "a replica admitted after the shared TPM counter was full: " + string.Join("", admitted.Select(a => a ? 'H' : 'x')));
        var rows = await c.AssertInvariantsAsync();
        var hostedTokens = rows.Where(r => r.Tier == TierNames.Hosted).Sum(r => r.TokensIn + r.TokensOut);
        Assert.True(hostedTokens <= Tpm, $"{hostedTokens} hosted tokens metered within one minute with TPM {Tpm}");
        Assert.Equal(3, rows.Where(r => r.Tier == TierNames.Hosted).Select(r => r.LedgerPath).Distinct().Count());
    }

    [SkippableFact]
    public async Task Burst200_AtQuotaEdgeAcrossReplicas_OverspendAtMostOneReservation()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        const long Budget = 3000;
        const int Total = 200;
        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            Replicas = 3,
            Plan = Plan(budget: Budget),
            Tiers = [TierNames.Hosted],
            RouterArgs = PatientRedis,
        });

        // Reservations pile up before any call settles, so admission is decided at the edge.
        c.Pool.Faults.DelayBeforeFirstByte = TimeSpan.FromMilliseconds(1500);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Total).Select(async i =>
        {
            await gate.Task;
            return await c.SendAsync(i % 3, stream: i % 4 == 0, maxTokens: 100);
        }).ToList();

        using var sampling = new CancellationTokenSource();
        var peak = 0L;
        var samples = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var q = await c.ReadQuotaAsync();
                peak = Math.Max(peak, q.Spent + q.Reserved);
                samples++;
                await Task.Delay(5);
            }
        });
        gate.SetResult();
        var calls = await Task.WhenAll(tasks);
        await sampling.CancelAsync();
        await sampler;

        var admitted = calls.Count(x => x.Tier == TierNames.Hosted && x.Success);
        var needs = calls.Where(x => x.Status == 429).Select(x => NeedsUpTo().Match(x.Body)).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        var oneReservation = needs.Count > 0 ? needs.Max() : 0;
        var q = await c.ReadQuotaAsync();
        output.WriteLine($"budget {Budget}, {Total} calls released together over 3 replicas: admitted {admitted}, refused {needs.Count}, one reservation {oneReservation}, peak spent+reserved {peak} over {samples} samples, overspend {Math.Max(0, peak - Budget)}; final spent {q.Spent} reserved {q.Reserved}");
        Assert.All(calls, x => Assert.True((x.Success && x.Tier == TierNames.Hosted) || x.Status == 429, $"{x.Status} {x.Tier} {x.Route} {x.Body}"));
        Assert.True(admitted >= 1 && needs.Count >= 1, $"not at the edge: admitted {admitted}, refused {needs.Count}");
        Assert.Equal(Total, admitted + needs.Count);
        Assert.True(peak <= Budget + oneReservation, $"reserved + spent peaked at {peak}, budget {Budget}, one reservation {oneReservation}");
        Assert.True(q.Spent <= Budget, $"spent {q.Spent} > budget {Budget}");
        var rows = await c.AssertInvariantsAsync();

        // The enforcement counter equals the ledger (no false "quota exceeded" later, no unmetered spend).
        Assert.Equal(rows.Where(r => r.Tier == TierNames.Hosted).Sum(r => r.TokensIn + r.TokensOut), (await c.ReadQuotaAsync()).Spent);
    }

    internal static TenantPlanConfig Plan(long budget, long tpm = 0, int rpm = 0) => new()
    {
        MonthlyTokenBudget = budget,
        TokensPerMinute = tpm,
        RequestsPerMinute = rpm,
        DefaultMaxTokens = 64,
        InputPerMTok = 0.2m,
        OutputPerMTok = 0.6m,
        ReferenceInputPerMTok = 2.5m,
        ReferenceOutputPerMTok = 10m,
    };

    [GeneratedRegex(@"needs up to (\d+)")]
    private static partial Regex NeedsUpTo();
}
