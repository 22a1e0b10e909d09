using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Daalu.CrdValidation;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>
/// The shared-store samples in config/samples/ledger (issue 16, deliverable 5) hold together as shipped: the Secrets
/// their instructions name exist with those keys, and the router's connection string reaches the Service, user,
/// password and database the PostgreSQL StatefulSet creates. The facts checked against: the official postgres image
/// creates POSTGRES_USER with POSTGRES_PASSWORD and the database POSTGRES_DB on first start (docker-library/postgres,
/// docker-entrypoint.sh); a Service's DNS name is &lt;service&gt;.&lt;namespace&gt;.svc (Kubernetes DNS for Services);
/// CloudNativePG creates the Secret &lt;cluster&gt;-app for bootstrap.initdb's owner with the keys username, password,
/// dbname, host and uri (cloudnative-pg.io/documentation, "Connecting from an application").
/// </summary>
public sealed partial class LedgerSampleTests
{
    private static readonly string Dir = RepoPaths.Of("config", "samples", "ledger");

    [Fact]
    public void PostgresStatefulSet_RouterConnectionString_MatchesTheDatabaseTheSampleCreates()
    {
        var objects = Load("postgres-statefulset.yaml");
        var ns = Assert.Single(objects.Select(o => o["metadata"]!["namespace"]!.GetValue<string>()).Distinct());
        Assert.Equal("daalu-system", ns); // the router reads Secrets only in its own namespace
        var init = Secret(objects, "daalu-ledger-postgres");
        var router = Secret(objects, "daalu-ledger-db");
        var set = Single(objects, "StatefulSet");
        var service = Single(objects, "Service");

        var cs = Parse(router["connection-string"]!.GetValue<string>());
        Assert.Equal($"{service["metadata"]!["name"]}.{ns}.svc", cs["host"]);
        Assert.Equal("5432", cs["port"]);
        Assert.Equal(init["POSTGRES_USER"]!.GetValue<string>(), cs["username"]);
        Assert.Equal(init["POSTGRES_PASSWORD"]!.GetValue<string>(), cs["password"]);
        Assert.Equal(init["POSTGRES_DB"]!.GetValue<string>(), cs["database"]);

        // The Service selects the StatefulSet's pods and its target port is the container's named port.
        Assert.Equal(service["metadata"]!["name"]!.GetValue<string>(), set["spec"]!["serviceName"]!.GetValue<string>());
        var podLabels = set["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.All(service["spec"]!["selector"]!.AsObject(), kv => Assert.Equal(kv.Value!.GetValue<string>(), podLabels[kv.Key]?.GetValue<string>()));
        var container = set["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Contains(container["ports"]!.AsArray(), p => p!["name"]!.GetValue<string>() == service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<string>());
        Assert.Contains(container["envFrom"]!.AsArray(), e => e!["secretRef"]!["name"]!.GetValue<string>() == "daalu-ledger-postgres");
    }

    [Fact]
    public void CloudNativePgCluster_AppSecretItNames_IsTheOneCloudNativePgCreates()
    {
        var cluster = Single(Load("cloudnativepg-cluster.yaml"), "Cluster");
        Assert.Equal("postgresql.cnpg.io/v1", cluster["apiVersion"]!.GetValue<string>());
        Assert.Equal("daalu-system", cluster["metadata"]!["namespace"]!.GetValue<string>());
        var name = cluster["metadata"]!["name"]!.GetValue<string>();
        Assert.True(cluster["spec"]!["instances"]!.GetValue<long>() >= 2, "a failover needs a second instance");
        Assert.Equal(("daalu", "daalu"), (cluster["spec"]!["bootstrap"]!["initdb"]!["database"]!.GetValue<string>(), cluster["spec"]!["bootstrap"]!["initdb"]!["owner"]!.GetValue<string>()));
        Assert.Equal([$"{name}-app/uri"], SecretsNamedIn("cloudnativepg-cluster.yaml", "DAALU_ROUTER_POSTGRES_SECRET"));
    }

    [Theory]
    [InlineData("postgres-statefulset.yaml")]
    [InlineData("cloudnativepg-cluster.yaml")]
    public void Instructions_RedisAndPostgresSecretsNamed_ExistInTheSamplesWithThoseKeys(string file)
    {
        var shipped = Directory.GetFiles(Dir, "*.yaml").SelectMany(f => Load(Path.GetFileName(f))).Where(o => o["kind"]!.GetValue<string>() == "Secret")
            .SelectMany(s => s["stringData"]!.AsObject().Select(kv => $"{s["metadata"]!["name"]}/{kv.Key}")).ToHashSet(StringComparer.Ordinal);
        Assert.All(SecretsNamedIn(file, "DAALU_ROUTER_REDIS_SECRET"), r => Assert.Contains(r, shipped));
        if (file == "postgres-statefulset.yaml")
        {
            Assert.All(SecretsNamedIn(file, "DAALU_ROUTER_POSTGRES_SECRET"), r => Assert.Contains(r, shipped));
        }

        Assert.NotEmpty(SecretsNamedIn(file, "DAALU_ROUTER_REDIS_SECRET"));
    }

    private static List<JsonObject> Load(string file) =>
        YamlJson.ParseAll(File.ReadAllText(Path.Combine(Dir, file))).Where(n => n is not null).Select(n => n!.AsObject()).ToList();

    private static JsonObject Single(List<JsonObject> objects, string kind) => Assert.Single(objects, o => o["kind"]!.GetValue<string>() == kind);

    private static JsonObject Secret(List<JsonObject> objects, string name) =>
        Assert.Single(objects, o => o["kind"]!.GetValue<string>() == "Secret" && o["metadata"]!["name"]!.GetValue<string>() == name)["stringData"]!.AsObject();

    private static List<string> SecretsNamedIn(string file, string variable) =>
        [.. SettingPattern().Matches(File.ReadAllText(Path.Combine(Dir, file))).Where(m => m.Groups[1].Value == variable).Select(m => m.Groups[2].Value)];

    // Npgsql's Key=Value; form, keys compared case-insensitively as Npgsql does.
    private static Dictionary<string, string> Parse(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].ToLowerInvariant(), p => p[1], StringComparer.Ordinal);

    [GeneratedRegex(@"(DAALU_ROUTER_[A-Z]+_SECRET)=([A-Za-z0-9.-]+/[A-Za-z0-9._-]+)")]
    private static partial Regex SettingPattern();
}
