using System.Net;
using Daalu.Contracts;
using Daalu.Gateway.Metering;
using Daalu.Router.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public sealed class FallThroughTests
{
    [Fact]
    public async Task Chat_OwnGpuHealthy_ServedByOwnGpuWithHeadersAndMetering()
    {
        await using var f = await CascadeFixture.StartAsync();
        var req = RouterTestHost.Chat(TestConfigs.KeyA);
        req.Headers.Add("X-Request-Id", "req-own-1");
        req.Headers.Add("Cookie", "session=secret");
        var (resp, body) = await f.Host.SendAsync(req);

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("answer from own", body, StringComparison.Ordinal);
        Assert.Equal(TierNames.OwnGpu, Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("own-a", Header.Get(resp, "X-Daalu-Backend"));
        Assert.Equal("m-general", Header.Get(resp, "X-Daalu-Model"));
        Assert.Equal("OwnGpu:own-a=ok", Header.Get(resp, "X-Daalu-Route"));
        var call = Assert.Single(f.Own.Calls);
        Assert.Equal("req-own-1", call.RequestId);
        Assert.Equal("Bearer " + TestConfigs.BackendKey, call.Headers["authorization"]);
        Assert.False(call.Headers.ContainsKey("cookie"));
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(("req-own-1", 1, "team-a", TierNames.OwnGpu), (record.RequestId, record.Attempt, record.Tenant, record.Tier));
        Assert.Equal(call.ReportedPromptTokens, record.TokensIn);
        Assert.Equal(call.ReportedCompletionTokens, record.TokensOut);
        Assert.False(record.Estimated);
        Assert.Equal(0, f.Host.Quota.Reserves);
    }

    // The ledger batches commits by this count, so every call must leave it however it ends.
    [Fact]
    public async Task Chat_CallsServedFallingThroughOrHeld_CountedInFlightUntilTheyEnd()
    {
        await using var f = await CascadeFixture.StartAsync();
        var inFlight = f.Host.Router.Services.GetRequiredService<CallsInFlight>();
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.FromMilliseconds(800);
        var held = f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (inFlight.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, inFlight.Count);
        Assert.Equal(HttpStatusCode.OK, (await held).Response.StatusCode);
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.Zero;
        await f.Own.StopAsync();
        var (fellThrough, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, fellThrough.StatusCode);
        Assert.Equal(2, f.Host.Meter.Records.Count);
        Assert.Equal(0, inFlight.Count);
    }

    [Fact]
    public async Task Chat_OwnGpuRefusesConnection_HostedServesAndQuotaSettled()
    {
        await using var f = await CascadeFixture.StartAsync();
        await f.Own.StopAsync();
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("answer from hosted", body, StringComparison.Ordinal);
        Assert.Equal(TierNames.Hosted, Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("OwnGpu:own-a=ConnectError, Hosted:pool-1=ok", Header.Get(resp, "X-Daalu-Route"));
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(2, record.Attempt);
        var (_, actual) = Assert.Single(f.Host.Quota.Settled);
        Assert.Equal(record.TokensIn + record.TokensOut, actual);
        Assert.Equal(0, f.Host.Quota.Outstanding);
    }

    [Theory]
    [InlineData(500, "ServerError")]
    [InlineData(503, "ServerError")]
    [InlineData(429, "TooManyRequests")]
    public async Task Chat_OwnGpuAnswersStatus_FallsThroughWithReason(int status, string reason)
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.Status = status;
        f.Own.Faults.StatusCount = -1;
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal($"OwnGpu:own-a={reason}, Hosted:pool-1=ok", Header.Get(resp, "X-Daalu-Route"));
        Assert.Single(f.Own.Calls);
        Assert.Single(f.Hosted.Calls);
    }

    [Fact]
    public async Task Chat_OwnGpuSlowerThanFirstByteTimeout_FallsThroughAsTimeout()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.FromSeconds(5);
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: true));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("OwnGpu:own-a=Timeout, Hosted:pool-1=ok", Header.Get(resp, "X-Daalu-Route"));
    }

    // An upstream that dies part way through a whole answer (fewer bytes than its Content-Length) has sent the client
    // nothing yet: the attempt falls through, and only the call that answered is metered.
    [Fact]
    public async Task Chat_OwnGpuAnswerCutShortOfItsContentLength_FallsThroughAsServerError()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.TruncateBodyAfterBytes = 40;
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("OwnGpu:own-a=ServerError, Hosted:pool-1=ok", Header.Get(resp, "X-Daalu-Route"));
        Assert.Contains("answer from hosted", body, StringComparison.Ordinal);
        Assert.Single(f.Own.Calls);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(TierNames.Hosted, record.Tier);

        // The same upstream answering whole again is served, over a fresh connection.
        f.Own.Faults.TruncateBodyAfterBytes = null;
        var (again, againBody) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("OwnGpu:own-a=ok", Header.Get(again, "X-Daalu-Route"));
        Assert.Equal(again.Content.Headers.ContentLength, System.Text.Encoding.UTF8.GetByteCount(againBody));
    }

    [Fact]
    public async Task Chat_OwnGpuNoLongerServesModel_FallsThroughAsModelNotServed()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.Status = 404;
        f.Own.Faults.StatusCount = -1;
        f.Own.Faults.StatusMessage = "The model `m-general` does not exist.";
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.StartsWith("OwnGpu:own-a=ModelNotServed", Header.Get(resp, "X-Daalu-Route"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_HostedQuotaRefused_FallsThroughToExternal()
    {
        await using var f = await CascadeFixture.StartAsync();
        await f.Own.StopAsync();
        f.Host.Quota.RefuseWith = "QuotaExceeded";
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("answer from openai", body, StringComparison.Ordinal);
        Assert.Equal("OwnGpu:own-a=ConnectError, Hosted:pool-1=QuotaExceeded, External:openai=ok", Header.Get(resp, "X-Daalu-Route"));
        Assert.Empty(f.Hosted.Calls);
        var ext = Assert.Single(f.OpenAI.Calls);
        Assert.Equal("gpt-ext", ext.Model);
        Assert.Equal("Bearer " + TestConfigs.OpenAIKey, ext.Headers["authorization"]);
    }

    [Fact]
    public async Task Chat_QuotaRefusalIsTheOnlyObstacle_Returns429InsufficientQuota()
    {
        // A consumer: no own GPU, no external provider; the hosted pool is up but refuses on the tenant's limit.
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            c.Providers.Clear();
            c.Backends.RemoveAll(b => b.Tier == TierNames.OwnGpu);
        });
        f.Host.Quota.RefuseWith = "TokensPerMinute";
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal((HttpStatusCode)429, resp.StatusCode);
        Assert.Contains("\"insufficient_quota\"", body, StringComparison.Ordinal);
        Assert.Equal("none", Header.Get(resp, "X-Daalu-Tier"));
        Assert.Contains("QuotaExceeded(TokensPerMinute)", Header.Get(resp, "X-Daalu-Route"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coding_OwnGpuDownAndQuotaExhausted_Returns503AndExternalUntouched()
    {
        await using var f = await CascadeFixture.StartAsync();
        await f.Own.StopAsync();
        f.Host.Quota.RefuseWith = "QuotaExceeded";
        var req = RouterTestHost.Chat(TestConfigs.KeyA);
        req.Headers.Add("X-Daalu-Request-Class", "coding");
        var (resp, body) = await f.Host.SendAsync(req);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        Assert.Contains("\"no_backend_available\"", body, StringComparison.Ordinal);
        Assert.Contains("OwnGpu:own-a=ConnectError", body, StringComparison.Ordinal);
        Assert.Contains("Hosted:pool-1=QuotaExceeded", body, StringComparison.Ordinal);
        Assert.DoesNotContain("QuotaExceeded(QuotaExceeded)", body, StringComparison.Ordinal);
        Assert.Empty(f.OpenAI.Calls);
        Assert.Empty(f.Hosted.Calls);
        Assert.Equal(0, f.Host.Quota.Outstanding);
    }

    [Fact]
    public async Task Chat_EveryTierFails_Returns503ListingAttempts()
    {
        await using var f = await CascadeFixture.StartAsync();
        await f.Own.StopAsync();
        f.Hosted.Faults.Status = 500;
        f.Hosted.Faults.StatusCount = -1;
        f.OpenAI.Faults.Status = 502;
        f.OpenAI.Faults.StatusCount = -1;
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        Assert.Contains("OwnGpu:own-a=ConnectError, Hosted:pool-1=ServerError, External:openai=ServerError", body, StringComparison.Ordinal);
        Assert.Contains("\"error\":{", body, StringComparison.Ordinal);
        Assert.Equal("none", Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("none", Header.Get(resp, "X-Daalu-Backend"));
        Assert.Equal("m-general", Header.Get(resp, "X-Daalu-Model"));
        Assert.Equal("OwnGpu:own-a=ConnectError, Hosted:pool-1=ServerError, External:openai=ServerError", Header.Get(resp, "X-Daalu-Route"));
        Assert.Empty(f.Host.Meter.Records);
        Assert.Equal(0, f.Host.Quota.Outstanding);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(422)]
    public async Task Chat_UpstreamRejectsRequest_ClientGetsTheErrorWithoutCascade(int status)
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.FlatErrors = true;
        f.Own.Faults.Status = status;
        f.Own.Faults.StatusCount = -1;
        f.Own.Faults.StatusMessage = "This model's maximum context length is 32768 tokens.";
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal((HttpStatusCode)status, resp.StatusCode);
        Assert.Contains("maximum context length", body, StringComparison.Ordinal);
        Assert.Contains("\"error\":{", body, StringComparison.Ordinal);
        Assert.Equal($"OwnGpu:own-a=client_error({status})", Header.Get(resp, "X-Daalu-Route"));
        Assert.Empty(f.Hosted.Calls);
        Assert.Empty(f.OpenAI.Calls);
    }

    [Fact]
    public async Task Chat_FallThroughDisabledForServerError_ClientGetsUpstreamError()
    {
        await using var f = await CascadeFixture.StartAsync(c => c.Policies[0].FallThroughOn = [FallThroughReasons.ConnectError]);
        f.Own.Faults.Status = 500;
        f.Own.Faults.StatusCount = -1;
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.InternalServerError, resp.StatusCode);
        Assert.Empty(f.Hosted.Calls);
    }
}
