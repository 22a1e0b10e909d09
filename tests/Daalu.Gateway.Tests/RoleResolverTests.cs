using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;

namespace Daalu.Gateway.Tests;

public class RoleResolverTests
{
    [Theory]
    [InlineData(new bool[0], new bool[0], false, TenantRole.None)]
    [InlineData(new bool[0], new bool[0], true, TenantRole.Consumer)]
    [InlineData(new[] { false }, new[] { true }, true, TenantRole.Consumer)] // a card that is not ready is no GPU
    [InlineData(new[] { false }, new[] { true }, false, TenantRole.None)]
    [InlineData(new[] { true }, new[] { false }, false, TenantRole.Owner)]
    [InlineData(new[] { true }, new[] { false }, true, TenantRole.Owner)]
    [InlineData(new[] { true, true }, new[] { false, true }, false, TenantRole.Provider)]
    [InlineData(new[] { false, true }, new[] { true, false }, true, TenantRole.Owner)] // the sharing card is not ready
    public void Resolve_NodesAndEnrolment_GiveTheDerivedRole(bool[] ready, bool[] sharing, bool enrolled, TenantRole expected) =>
        Assert.Equal(expected, RoleResolver.Resolve("acme", ready.Zip(sharing), enrolled));

    [Fact]
    public void Resolve_NoTenant_Throws() => Assert.Throws<ArgumentException>(() => RoleResolver.Resolve(" ", [], true));
}
