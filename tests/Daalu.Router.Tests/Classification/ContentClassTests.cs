using Daalu.Contracts;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Xunit;

namespace Daalu.Router.Tests.Classification;

public class ContentClassTests
{
    private static readonly CodeDetectionResult Code = new(CodeSignal.Fence, "user", 0);

    [Theory]
    [InlineData(RequestClasses.Chat, true, CodeDetectionMode.Enforce, RequestClasses.Coding, true, false)]
    [InlineData(RequestClasses.Agent, true, CodeDetectionMode.Enforce, RequestClasses.Coding, true, false)]
    [InlineData(RequestClasses.Chat, true, CodeDetectionMode.Report, RequestClasses.Chat, false, true)]
    [InlineData(RequestClasses.Chat, true, CodeDetectionMode.Off, RequestClasses.Chat, false, false)]
    [InlineData(RequestClasses.Chat, false, CodeDetectionMode.Enforce, RequestClasses.Chat, false, false)]
    [InlineData(RequestClasses.Coding, false, CodeDetectionMode.Enforce, RequestClasses.Coding, false, false)]
    [InlineData(RequestClasses.Coding, false, CodeDetectionMode.Off, RequestClasses.Coding, false, false)]
    [InlineData(RequestClasses.Coding, true, CodeDetectionMode.Report, RequestClasses.Coding, false, false)]
    public void Decide_Table_ContentOnlyEverMakesCoding(string resolved, bool code, CodeDetectionMode mode, string expected, bool overridden, bool wouldOverride)
    {
        var result = ContentClass.Decide(resolved, code ? Code : CodeDetectionResult.None, mode);

        Assert.Equal((expected, overridden, wouldOverride), result);
    }

    [Theory]
    [InlineData("enforce", CodeDetectionMode.Enforce)]
    [InlineData("report", CodeDetectionMode.Report)]
    [InlineData("off", CodeDetectionMode.Off)]
    [InlineData("", CodeDetectionMode.Enforce)]
    [InlineData(null, CodeDetectionMode.Enforce)]
    [InlineData("OFF", CodeDetectionMode.Enforce)]
    public void ParseMode_Values_UnknownIsEnforce(string? value, CodeDetectionMode expected)
    {
        Assert.Equal(expected, ContentClass.ParseMode(value));
    }
}
