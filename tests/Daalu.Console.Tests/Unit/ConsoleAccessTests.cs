using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Router.WebConsole.Access;

namespace Daalu.Console.Tests.Unit;

public sealed class ConsoleAccessTests
{
    [Fact]
    public void For_Consumer_UsageOnlyAndNeverHardware()
    {
        var p = ConsoleAccess.For(TenantRole.Consumer, admin: false);
        Assert.False(p.Hardware);
        Assert.False(p.Backends);
        Assert.False(p.Diagnostics);
        Assert.False(p.PoolServed);
        Assert.False(p.Invitation);
    }

    [Fact]
    public void For_Owner_HardwareBackendsDiagnosticsButNotPoolServed()
    {
        var p = ConsoleAccess.For(TenantRole.Owner, admin: false);
        Assert.True(p.Hardware && p.Backends && p.Diagnostics);
        Assert.False(p.PoolServed);
    }

    [Fact]
    public void For_Provider_EverythingAnOwnerSeesPlusPoolServed()
    {
        var owner = ConsoleAccess.For(TenantRole.Owner, admin: false);
        var p = ConsoleAccess.For(TenantRole.Provider, admin: false);
        Assert.True(p.Hardware && p.Backends && p.Diagnostics && p.Credits && p.PoolServed);
        Assert.Equal(owner with { PoolServed = true }, p);
    }

    [Fact]
    public void For_None_InvitationWithoutHardware()
    {
        var p = ConsoleAccess.For(TenantRole.None, admin: false);
        Assert.True(p.Invitation);
        Assert.False(p.Hardware || p.Backends || p.Diagnostics || p.PoolServed);
    }

    [Fact]
    public void For_AdminAllTenants_EverythingAcrossTenants()
    {
        var p = ConsoleAccess.For(null, admin: true);
        Assert.True(p.AllTenants && p.Hardware && p.Backends && p.PoolServed && p.Credits);
    }

    [Fact]
    public void For_AdminViewingConsumer_SeesWhatTheConsumerSees()
    {
        Assert.Equal(ConsoleAccess.For(TenantRole.Consumer, admin: false), ConsoleAccess.For(TenantRole.Consumer, admin: true));
    }

    [Theory]
    [InlineData("team-a", false, null, "team-a")]
    [InlineData("team-a", false, "team-a", "team-a")]
    [InlineData("team-a", false, "team-b", null)]
    [InlineData("ops", true, "team-b", "team-b")]
    [InlineData("ops", true, null, "")]
    public void ViewedTenant_ByAdminFlag_OnlyAdminsViewOthers(string session, bool admin, string? requested, string? expected)
    {
        Assert.Equal(expected, ConsoleAccess.ViewedTenant(session, admin, requested));
    }
}
