using System.Reflection;
using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Tests;

public class HashedKeyAuthenticatorTests
{
    private static HashedKeyAuthenticator Build() => new(
    [
        new TenantKey("acme", false, "sk-acme-1"),
        new TenantKey("acme", false, "sk-acme-2"),
        new TenantKey("globex", false, "sk-globex"),
        new TenantKey("ops", true, "sk-admin"),
    ]);

    [Fact]
    public void Authenticate_KnownKeys_ReturnTheirTenants()
    {
        var auth = Build();
        Assert.Equal(new TenantIdentity("acme", false), auth.Authenticate("sk-acme-1"));
        Assert.Equal(new TenantIdentity("acme", false), auth.Authenticate("sk-acme-2"));
        Assert.Equal(new TenantIdentity("globex", false), auth.Authenticate("sk-globex"));
        Assert.Equal(new TenantIdentity("ops", true), auth.Authenticate("sk-admin"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk-acme-")]
    [InlineData("sk-acme-1 ")]
    [InlineData("SK-ACME-1")]
    [InlineData("sk-globex\0")]
    public void Authenticate_UnknownOrAlteredKey_ReturnsNull(string key) => Assert.Null(Build().Authenticate(key));

    [Fact]
    public void Authenticate_VeryLongKey_ReturnsNullWithoutThrowing() => Assert.Null(Build().Authenticate(new string('x', 100_000)));

    [Fact]
    public void Authenticate_LongValidKey_UsesPooledBufferAndMatches()
    {
        var key = new string('k', 1000);
        var auth = new HashedKeyAuthenticator([new TenantKey("long", false, key)]);
        Assert.Equal("long", auth.Authenticate(key)?.Tenant);
    }

    [Fact]
    public void Constructor_SameKeyForTwoTenants_ThrowsWithoutNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => new HashedKeyAuthenticator(
            [new TenantKey("a", false, "sk-shared-secret"), new TenantKey("b", false, "sk-shared-secret")]));
        Assert.DoesNotContain("sk-shared-secret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new HashedKeyAuthenticator([new TenantKey("a", false, " ")]));

    [Fact]
    public void Constructor_PlaintextKey_IsNotKeptInAnyField()
    {
        var auth = Build();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var strings = new List<string>();
        Walk(auth, seen, strings, depth: 0);
        Assert.NotEmpty(strings); // the walk reached the tenant names, so it did look inside
        Assert.DoesNotContain(strings, s => s.Contains("sk-", StringComparison.Ordinal));
    }

    [Fact]
    public void TenantKey_ToString_RedactsTheKey() =>
        Assert.DoesNotContain("sk-secret", new TenantKey("a", false, "sk-secret").ToString(), StringComparison.Ordinal);

    [Fact]
    public void Authenticate_ManyTenants_FindsEachAndOnlyItsOwn()
    {
        var keys = Enumerable.Range(0, 5000).Select(i => new TenantKey($"t{i}", false, $"key-{i}")).ToList();
        var auth = new HashedKeyAuthenticator(keys);
        Assert.Equal(5000, auth.Count);
        for (var i = 0; i < 5000; i += 97)
        {
            Assert.Equal($"t{i}", auth.Authenticate($"key-{i}")?.Tenant);
        }
    }

    private static void Walk(object? value, HashSet<object> seen, List<string> strings, int depth)
    {
        if (value is null || depth > 12 || value.GetType().IsPrimitive || value is Pointer)
        {
            return;
        }

        if (value is string s)
        {
            strings.Add(s);
            return;
        }

        if (!seen.Add(value))
        {
            return;
        }

        if (value is System.Collections.IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                Walk(item, seen, strings, depth + 1);
            }
        }

        for (var type = value.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                {
                    continue;
                }

                Walk(field.GetValue(value), seen, strings, depth + 1);
            }
        }
    }
}
