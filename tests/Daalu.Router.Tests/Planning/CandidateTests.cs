using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Planning;
using Xunit;

namespace Daalu.Router.Tests.Planning;

/// <summary>
/// Who is credited for a hosted call (ContributorTenant): the card owner. For a tenant's own shared card that is the
/// backend's tenant; for a tenant's model on another tenant's sharing card the operator compiles the card owner as
/// BackendConfig.Contributor, and that tenant, not the model's tenant, is credited.
/// </summary>
public sealed class CandidateTests
{
    private static Candidate On(string tier, BackendConfig b) => new(tier, b.Name, "m", b, null, null);

    public static TheoryData<string, string, string?, bool, string?, string?> Cases => new()
    {
        { "own shared card, hosted call", TierNames.Hosted, "lab-b", true, null, "lab-b" },
        { "model on another tenant's card, hosted call", TierNames.Hosted, "team-c", true, "lab-b", "lab-b" },
        { "model on another tenant's card, own call", TierNames.OwnGpu, "team-c", true, "lab-b", null },
        { "not shared", TierNames.Hosted, "team-c", false, null, null },
        { "operator-run pool", TierNames.Hosted, null, false, null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ContributorTenant_BackendAndTier_TheCardOwnerOnHostedCalls(string _, string tier, string? tenant, bool shared, string? contributor, string? expected)
    {
        var backend = new BackendConfig { Name = "b", Tenant = tenant, Shared = shared, Contributor = contributor, RevenueSharePercent = 70 };

        Assert.Equal(expected, On(tier, backend).ContributorTenant);
    }
}
