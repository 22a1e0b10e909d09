using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Configuration;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Configuration;

public sealed class ConfigTests
{
    private static RouterConfiguration Valid() => TestConfigs.Standard("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3/v1");

    [Fact]
    public void Validate_RuleSendingCodingToExternal_RefusedWithClearMessage()
    {
        var c = Valid();
        c.Policies[0].Rules.Add(new RoutingRule { Name = "code-out", Action = RuleActions.Allow, RequestClasses = [RequestClasses.Coding], Tiers = [TierNames.External] });

        var errors = RouterConfigValidator.Validate(c);

        Assert.Contains(errors, e => e.Contains("rule 'code-out' would send coding requests to the External tier", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PinEveryClassToExternalOrProviderServingCodingAlias_Refused()
    {
        var c = Valid();
        c.Policies[0].Rules.Add(new RoutingRule { Name = "all-out", Action = RuleActions.Pin, Tiers = [TierNames.External] });
        c.Providers[0].Models[0].Serves.Add("coding");

        var errors = RouterConfigValidator.Validate(c);

        Assert.Contains(errors, e => e.Contains("pins every request class, coding included", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("may not serve the 'coding' alias", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownReferences_EachNamed()
    {
        var c = Valid();
        c.Backends[0].Tenant = "ghost";
        c.Backends[1].Url = "ftp://x";
        c.Policies[0].FallThroughOn = ["Sometimes"];
        c.Policies[0].Tiers = [TierNames.OwnGpu, "Moon"];

        var errors = RouterConfigValidator.Validate(c);

        Assert.Contains(errors, e => e.Contains("unknown tenant 'ghost'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'ftp://x' is not an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown reason 'Sometimes'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown tier 'Moon'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SampleFile_ParsesAndCompiles()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "../../../../../config/samples/router-local.yaml");
        var snap = RouterConfigLoader.Load(path, keys => new FakeAuthenticator(keys));

        Assert.Equal("dev", Assert.Single(snap.Tenants).Key);
        Assert.NotNull(snap.Authenticator.Authenticate("dev-local-key-change-me"));
        Assert.Equal("local-gpu", Assert.Single(snap.Backends).Name);
        Assert.Contains(snap.Warnings, w => w.Contains("inline", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_KeyFromFileAndMissingKeyFile_FileReadAndMissingRefusedWithoutSecret()
    {
        var dir = Directory.CreateTempSubdirectory("daalu-cfg-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.key"), "file-key-0123456\n");
            var yaml = """
                version: 1
                tenants:
                  - name: a
                    keys:
                      - file: a.key
                policies:
                  - name: p
                    tiers: [OwnGpu]
                """;
            File.WriteAllText(Path.Combine(dir, "r.yaml"), yaml);
            var snap = RouterConfigLoader.Load(Path.Combine(dir, "r.yaml"), keys => new FakeAuthenticator(keys));
            Assert.Equal("a", snap.Authenticator.Authenticate("file-key-0123456")?.Tenant);

            // Key rotation: the document is unchanged, the key file is not; the reload must pick the new key up.
            var source = new FileConfigSource(Path.Combine(dir, "r.yaml"), snap, keys => new FakeAuthenticator(keys),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<FileConfigSource>.Instance, TimeSpan.FromSeconds(5));
            File.WriteAllText(Path.Combine(dir, "a.key"), "rotated-key-98765");
            Assert.True(source.TryReload());
            Assert.Null(source.Current.Authenticator.Authenticate("file-key-0123456"));
            Assert.Equal("a", source.Current.Authenticator.Authenticate("rotated-key-98765")?.Tenant);
            source.Dispose();

            File.WriteAllText(Path.Combine(dir, "r.yaml"), yaml.Replace("a.key", "missing.key", StringComparison.Ordinal));
            var ex = Assert.Throws<ConfigLoadException>(() => RouterConfigLoader.Load(Path.Combine(dir, "r.yaml"), keys => new FakeAuthenticator(keys)));
            Assert.Contains("cannot read file missing.key", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("file-key-0123456", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // The poll runs every few seconds for the router's whole life: unless the file or a secret it names changed, it
    // must not pay for a load (parse, validate, hash every key), which landed on the requests in flight.
    [Fact]
    public void TryReload_NothingChanged_LoadsOnlyWhenTheFileOrASecretChanges()
    {
        var dir = Directory.CreateTempSubdirectory("daalu-cfg-").FullName;
        var env = "DAALU_TEST_KEY_" + Guid.NewGuid().ToString("N");
        try
        {
            Environment.SetEnvironmentVariable(env, "env-key-0123456");
            File.WriteAllText(Path.Combine(dir, "a.key"), "file-key-0123456\n");
            var yaml = $$"""
                version: 1
                tenants:
                  - name: a
                    keys:
                      - file: a.key
                  - name: b
                    keys:
                      - env: {{env}}
                policies:
                  - name: p
                    tiers: [OwnGpu]
                """;
            var path = Path.Combine(dir, "r.yaml");
            File.WriteAllText(path, yaml);
            var loads = 0;
            TenantAuthenticatorFactory factory = keys =>
            {
                loads++;
                return new FakeAuthenticator(keys);
            };
            using var source = new FileConfigSource(path, RouterConfigLoader.Load(path, factory), factory,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<FileConfigSource>.Instance, TimeSpan.FromSeconds(5));

            Assert.True(source.TryReload()); // the first attempt always loads
            Assert.True(source.TryReload());
            File.WriteAllText(path, yaml); // rewritten with the same bytes
            Assert.True(source.TryReload());
            Assert.Equal(2, loads);

            File.WriteAllText(Path.Combine(dir, "a.key"), "rotated-key-98765");
            Assert.True(source.TryReload());
            Assert.Equal("a", source.Current.Authenticator.Authenticate("rotated-key-98765")?.Tenant);
            Environment.SetEnvironmentVariable(env, "env-key-rotated-1");
            Assert.True(source.TryReload());
            Assert.Equal("b", source.Current.Authenticator.Authenticate("env-key-rotated-1")?.Tenant);
            File.WriteAllText(path, yaml + "\n# a comment\n");
            Assert.True(source.TryReload());
            Assert.Equal(5, loads); // one load per change
            Assert.True(source.TryReload());
            Assert.True(source.TryReload());

            Assert.Equal(5, loads);
        }
        finally
        {
            Environment.SetEnvironmentVariable(env, null);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Parse_YamlTypoAndUnknownField_Refused()
    {
        Assert.Throws<ConfigLoadException>(() => RouterConfigLoader.Parse("version: 1\ntenantz: []\n"u8.ToArray(), "x.yaml"));
        Assert.Throws<ConfigLoadException>(() => RouterConfigLoader.Parse("version: [\n"u8.ToArray(), "x.yaml"));
    }
}
