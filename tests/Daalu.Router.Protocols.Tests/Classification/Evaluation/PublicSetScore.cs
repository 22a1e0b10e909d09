using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>Runs code detection over a public set (as <see cref="HeldOutSetDTests"/> does) and prints recall, false positives per source and, when asked, the ids of the misses.</summary>
public static class PublicSetScore
{
    /// <summary>Code-bearing records found, code-bearing records, prose records flagged, prose records.</summary>
    public static (int Found, int Code, int Flagged, int Prose) Measure(IReadOnlyList<HeldOutFile.Record> records, ITestOutputHelper output, bool printMisses)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(output);
        int code = 0, found = 0, prose = 0, flagged = 0;
        var bySource = new SortedDictionary<string, (int Hit, int Total)>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var text = new RequestText([new TextSegment("user", 0, r.Text)], HasTools: false, HasImages: false);
            var result = RequestCodeDetector.Detect(text);
            code += r.IsCode ? 1 : 0;
            found += r.IsCode && result.IsCode ? 1 : 0;
            prose += r.IsCode ? 0 : 1;
            flagged += !r.IsCode && result.IsCode ? 1 : 0;
            var source = r.IsCode ? r.Category : r.Category.Split(':')[0];
            var (hit, total) = bySource.GetValueOrDefault(source);
            bySource[source] = (hit + (result.IsCode ? 1 : 0), total + 1);
            if (printMisses && result.IsCode != r.IsCode)
            {
                output.WriteLine($"miss: {r.Id} ({CodeSignals.Name(result.Signal)})");
            }
        }

        output.WriteLine($"recall {found}/{code}, false positives {flagged}/{prose}");
        foreach (var (source, (hit, total)) in bySource)
        {
            output.WriteLine($"  detected as code, {source}: {hit}/{total}");
        }

        return (found, code, flagged, prose);
    }
}
