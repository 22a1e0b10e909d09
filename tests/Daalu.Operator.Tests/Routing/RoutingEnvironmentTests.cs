using Daalu.Operator.Routing;

namespace Daalu.Operator.Tests.Routing;

public sealed class RoutingEnvironmentTests
{
    private static RoutingSettings Read(params (string Name, string Value)[] vars) =>
        RoutingEnvironment.Read("daalu-system", n => vars.FirstOrDefault(v => v.Name == n).Value);

    [Fact]
    public void Read_Nothing_Defaults()
    {
        var s = Read();
        Assert.Equal(("daalu-system", "daalu-router:latest", 1, (string?)null), (s.RouterNamespace, s.Image, s.Replicas, s.RedisUrl));
    }

    [Fact]
    public void Read_AllSet_Taken()
    {
        var s = Read((RoutingEnvironment.ImageVariable, "ghcr.io/x/router:1.2"), (RoutingEnvironment.ReplicasVariable, "3"), (RoutingEnvironment.RedisVariable, "redis:6379"));
        Assert.Equal(("ghcr.io/x/router:1.2", 3, "redis:6379"), (s.Image, s.Replicas, s.RedisUrl));
    }

    [Fact]
    public void Read_StoreSecrets_NameAndKey()
    {
        var s = Read((RoutingEnvironment.ReplicasVariable, "2"), (RoutingEnvironment.PostgresSecretVariable, "ledger-db/uri"), (RoutingEnvironment.RedisSecretVariable, "quota-redis"));
        Assert.Equal((2, "ledger-db", "uri", "quota-redis", "url"), (s.Replicas, s.PostgresSecretName, s.PostgresSecretKey, s.RedisSecretName, s.RedisSecretKey));
    }

    [Theory]
    [InlineData(RoutingEnvironment.ReplicasVariable, "0", "from 1 to 20")]
    [InlineData(RoutingEnvironment.ReplicasVariable, "two", "from 1 to 20")]
    [InlineData(RoutingEnvironment.PostgresSecretVariable, "a/b/c", "name or name/key")]
    [InlineData(RoutingEnvironment.LedgerStorageSizeVariable, "lots", "Kubernetes quantity")]
    [InlineData(RoutingEnvironment.ImageVariable, "a b", "without spaces")]
    public void Read_BadValue_ClearError(string name, string value, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => Read((name, value)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
