using Xunit;
using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>
/// The development set the language shapes were written against (hack/classifier/dev/build.py: exercism tracks,
/// arpack-ng, terraform-aws-vpc, graphql-js docs; CLINC150 train, hh-rlhf, GSM8K train, Wikipedia, UD French, German
/// and Spanish). Not a held-out figure. Runs when DAALU_CODE_DEV names the built file; prints every miss.
/// </summary>
public class DevelopmentSetTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Detect_DevelopmentSet_RecallAndFalsePositivesAsReported()
    {
        var records = HeldOutFile.Load("DAALU_CODE_DEV", out var reason);
        Skip.If(records is null, reason);
        var (found, code, flagged, prose) = PublicSetScore.Measure(records!, output, printMisses: true);

        Assert.True(code > 300 && prose > 1000);
        Assert.True(flagged * 1000 <= prose * 2, $"false positives {flagged}/{prose} above the 0.2% reported");
        Assert.True(found * 1000 >= code * 960, $"recall {found}/{code} below the 96.0% reported");
    }
}
