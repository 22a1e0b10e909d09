using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Xunit.Abstractions;

namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

public class EvaluationDump(ITestOutputHelper output)
{
    [Fact]
    public void Dump_Misses()
    {
        var cases = EvaluationSet.Load();
        var wrong = 0;
        foreach (var c in cases)
        {
            var text = RequestTextReader.Read(EvaluationSet.ToChatBody(c));
            var signal = CodeSignal.None;
            foreach (var s in text.Segments)
            {
                signal = CodeDetector.Detect(s.Text);
                if (signal != CodeSignal.None) break;
            }

            if ((signal != CodeSignal.None) != c.IsCode)
            {
                wrong++;
                output.WriteLine($"{c.Id} {c.Category} expected={c.IsCode} got={signal}");
            }
        }

        output.WriteLine($"cases={cases.Count} wrong={wrong}");
        Assert.NotEmpty(cases);
    }
}
