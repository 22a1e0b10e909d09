using System.Text.Json.Nodes;
using Daalu.CrdValidation;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>The four committed CRDs from crds/ and one shared CEL evaluator process (node + cel-js).</summary>
public sealed class CrdFixture : IDisposable
{
    private readonly Dictionary<string, SchemaValidator> _byKind = new(StringComparer.Ordinal);

    public CrdFixture()
    {
        Cel = new CelEvaluator(RepoPaths.Of("tests", "js", "cel-eval.mjs"));
        foreach (var crd in CrdSchema.LoadDirectory(RepoPaths.Of("crds")))
        {
            _byKind[crd.Kind] = new SchemaValidator(crd, Cel);
        }

        Assert.Equal(4, _byKind.Count);
    }

    public CelEvaluator Cel { get; }

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>The validator for the object's kind; fails the test for an unknown kind or apiVersion.</summary>
    public SchemaValidator For(JsonNode obj)
    {
        var kind = obj["kind"]?.GetValue<string>() ?? throw new InvalidOperationException("object has no kind");
        Assert.True(_byKind.TryGetValue(kind, out var validator), $"no CRD in crds/ for kind {kind}");
        Assert.Equal(validator!.Crd.ApiVersion, obj["apiVersion"]?.GetValue<string>());
        return validator;
    }

    public void Dispose() => Cel.Dispose();
}

[CollectionDefinition("crds")]
public sealed class CrdFixtureGroup : ICollectionFixture<CrdFixture>
{
}
