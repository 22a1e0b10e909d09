using Daalu.Router.Api;
using Daalu.Router.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Api;

/// <summary>
/// The request path depends one way: Api (the client's API: endpoints, inbound dialects, admission) uses Forwarding and
/// Planning; Forwarding, Planning and Backends never use Api. Read from the compiled router assembly's metadata, method
/// bodies included (compiler-made nested types such as async state machines and closures count as their outer type's),
/// so a reference hidden in an expression or a lambda fails the test as much as a field type does.
/// </summary>
public sealed class NamespaceDirectionTests
{
    private const string ApiNamespace = "Daalu.Router.Api";

    private static readonly TypeReferenceMap Map = TypeReferenceMap.Read(typeof(RouterApi).Assembly.Location);

    [Theory]
    [InlineData("Daalu.Router.Forwarding")]
    [InlineData("Daalu.Router.Planning")]
    [InlineData("Daalu.Router.Backends")]
    public void Namespace_LowerLayer_ReferencesNoApiType(string ns)
    {
        var offending = Map.ReferencesFrom(ns).Where(r => TypeReferenceMap.InNamespace(r.To, ApiNamespace)).Select(r => $"{r.From} -> {r.To}").ToList();

        Assert.True(Map.TypesIn(ns).Count > 0, $"no types found in {ns}: the scan would pass vacuously");
        Assert.True(offending.Count == 0, $"{ns} references {ApiNamespace}: {string.Join("; ", offending)}");
    }

    [Fact]
    public void ReferenceMap_ApiHandler_SeesForwardingCallsInsideAsyncMethodBodies()
    {
        // The other direction exists and the scan sees it: RouterApi's handlers call ResponseWriter only inside async
        // method bodies (compiled into nested state machines), never in a signature.
        var fromApi = Map.ReferencesFrom(ApiNamespace).Select(r => r.To).ToHashSet(StringComparer.Ordinal);

        Assert.Contains(typeof(ResponseWriter).FullName!, fromApi);
        Assert.Contains(typeof(CascadeExecutor).FullName!, fromApi);
    }

    [Fact]
    public void ReferenceMap_ForwardingType_SeesSignatureAndBodyOnlyReferences()
    {
        // Candidate is in signatures (IOutboundDialect.Build); LoadTracker only in the attempt loop's async body. A const
        // (SkipReasons.*) compiles to its literal and so is no reference at all, in the metadata or at run time.
        var fromForwarding = Map.ReferencesFrom("Daalu.Router.Forwarding").Select(r => r.To).ToHashSet(StringComparer.Ordinal);

        Assert.Contains(typeof(Daalu.Router.Planning.Candidate).FullName!, fromForwarding);
        Assert.Contains(typeof(Daalu.Router.LoadBalancing.LoadTracker).FullName!, fromForwarding);
    }
}
