using Xunit;
using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>
/// The development set the language shapes were written against (hack/classifier/dev/build.py: exercism tracks,
/// arpack-ng, terraform-aws-vpc, graphql-js docs and, since the third pass, COBOL, Forth, Groovy, awk, Raku, Dart and
/// VHDL from other repositories than set G's; CLINC150 train, hh-rlhf, GSM8K train, Wikipedia, UD French, German and
/// Spanish, and technical prose and resource lists). Not a held-out figure. Runs when DAALU_CODE_DEV names the built file; prints every miss.
/// </summary>
public class DevelopmentSetTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Detect_DevelopmentSet_RecallAndFalsePositivesAsReported()
    {
        var records = HeldOutFile.Load("DAALU_CODE_DEV", out var reason);
        Skip.If(records is null, reason);
        var (found, code, flagged, prose) = PublicSetScore.Measure(records!, output, printMisses: true);

        // The third pass added technical prose and lists of programming resources ("docs:owner/name", "list:owner/name"),
        // a harder kind of negative than the earlier ones, which keep their own bound.
        var earlier = records!.Where(r => !r.IsCode && !r.Category.Contains('/', StringComparison.Ordinal)).ToList();
        var (_, _, earlierFlagged, earlierProse) = PublicSetScore.Measure(earlier, output, printMisses: false);

        Assert.True(code > 300 && prose > 1000);
        Assert.True(earlierFlagged * 1000 <= earlierProse * 2, $"false positives {earlierFlagged}/{earlierProse} on the earlier negatives above the 0.2% reported");
        Assert.True(flagged * 1000 <= prose * 16, $"false positives {flagged}/{prose} above the 1.6% reported (2.3% before the twelfth session's prose rules)");
        Assert.True(found * 1000 >= code * 949, $"recall {found}/{code} below the 94.9% reported");
    }

    // The second development set (hack/classifier/dev2: build.py, then tool_output.py and logs.py appending; twelfth
    // session): everyday languages and file kinds from 22 repositories no held-out set uses, as windows, short pastes of
    // 1-4 lines, documentation blocks without their fence and diffs, plus the real output of compilers, test runners and
    // build tools and the logs of servers run here; negatives are the same repositories' documentation prose, single
    // sentences, changelog items and commit subjects (near misses; their false positives predate this set's rules: 205
    // before them, 205 after). Recall before its rules 79.8 %, after 91.0 %.
    [SkippableFact]
    public void Detect_SecondDevelopmentSet_RecallAndFalsePositivesAsReported()
    {
        var records = HeldOutFile.Load("DAALU_CODE_DEV2", out var reason);
        Skip.If(records is null, reason);
        var (found, code, flagged, prose) = PublicSetScore.Measure(records!, output, printMisses: true);

        Assert.True(code > 1100 && prose > 1000);
        Assert.True(found * 1000 >= code * 905, $"recall {found}/{code} below the 91.0% reported (less a little for the logs' timestamps, which change per run)");
        Assert.True(flagged * 1000 <= prose * 176, $"false positives {flagged}/{prose} above the 17.6% reported");
    }
}
