using Daalu.CrdGen;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>crds/ and docs/crd-reference.md must be exactly what the generator writes from operator/Daalu.Api.</summary>
public sealed class DriftTests : IDisposable
{
    private const string Fix = "run hack/gen-crds.sh and commit the result";
    private readonly string _temp = Directory.CreateTempSubdirectory("daalu-crdgen-").FullName;

    [Fact]
    public void WriteAll_ComparedWithCommittedFiles_IsByteIdentical()
    {
        var crdDir = Path.Combine(_temp, "crds");
        var reference = Path.Combine(_temp, "crd-reference.md");
        CrdGenerator.WriteAll(crdDir, reference);

        var generated = Directory.GetFiles(crdDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var committed = Directory.GetFiles(RepoPaths.Of("crds")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(generated.SequenceEqual(committed),
            $"crds/ holds [{string.Join(", ", committed)}] but the generator writes [{string.Join(", ", generated)}]: {Fix}");

        foreach (var name in generated)
        {
            var want = File.ReadAllBytes(Path.Combine(crdDir, name!));
            var have = File.ReadAllBytes(RepoPaths.Of("crds", name!));
            Assert.True(want.AsSpan().SequenceEqual(have), $"crds/{name} differs from the generated CRD: {Fix}");
        }

        Assert.True(File.ReadAllBytes(reference).AsSpan().SequenceEqual(File.ReadAllBytes(RepoPaths.Of("docs", "crd-reference.md"))),
            $"docs/crd-reference.md differs from the generated reference: {Fix}");
    }

    [Fact]
    public void BuildCrds_TwoRuns_ProduceSameYaml()
    {
        var first = CrdGenerator.BuildCrds().Select(c => YamlWriter.Write(c.Crd)).ToList();
        var second = CrdGenerator.BuildCrds().Select(c => YamlWriter.Write(c.Crd)).ToList();
        Assert.Equal(first, second);
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}
