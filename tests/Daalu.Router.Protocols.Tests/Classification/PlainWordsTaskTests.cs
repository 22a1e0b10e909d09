using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Protocols.Tests.Classification;

// The word pass's task rules (PlainWords: shell tasks, SQL titles, "In Rust: ..." titles, "Implement ..."), each with near misses that
// must stay prose. Development examples written for these tests; the measured figures are in docs/classification.md,
// "Plain-word tasks: shell, SQL and exercise titles".
public class PlainWordsTaskTests
{
    public static TheoryData<string> Requests => new()
    {
        // A shell verb opening the sentence and a file-system object within the window.
        "find all files larger than 10MB in the current directory",
        "Delete every empty directory under the current folder",
        "Recursively change the owner of all files in the project folder to www-data",
        "List the symlinks in /usr/local/bin",
        "Force remove the temporary files older than two days",
        "Set the environment variable PATH for the current session",
        "Copy the log files from today into a backup folder",
        "how do I find files over 10MB in bash",

        // A database word and a table word in one sentence, or a table word right after a language.
        "Select the rows with a null email from the customers table",
        "get the count of orders grouped by customer with a subquery",
        "MySQL delete duplicates from two tables",
        "Join three tables on a composite primary key",
        "PostgreSQL: count of duplicate rows in a table",

        // A title that opens with "In <language>:".
        "In Rust: Implement complex numbers.",
        "In Kotlin: Compute the prime factors of a given natural number.",

        // A specification's opening: "implement" opening a sentence, or after "task is to".
        "Implement a ring buffer of fixed capacity.",
        "Your task is to implement a small reactive system.",

        // A weak verb, a code noun and an ambiguous language name, the language last.
        "Can you make a function for this in Go?",
    };

    public static TheoryData<string> NearMisses => new()
    {
        "how do I find a good plumber",
        "Find a good dentist near my office",
        "I keep my tax files in a folder in the kitchen",
        "My directory of contacts is out of date",
        "Delete the reminder about the dentist",
        "Set an alarm for 7 am",
        "Move the meeting to Friday",
        "Search for cheap flights to Lisbon",
        "The restaurant has 12 tables with 4 chairs each and 3 rows of booths.",
        "Please join the table for dinner; we saved you a seat in the first row.",
        "The oracle at Delphi gave a date for the battle.",
        "In summary: the trip was great.",
        "In Paris: where should I eat?",
        "Python: a language I have loved for years, and the tables turned.",
        "Can you make dinner for us in Rome?",
        "We need to implement the new vacation policy by May.",
        "My job is to plan the trip, and your task is to book the hotel.",
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Detect_PlainWordTask_IsCodeRequest(string text)
    {
        Assert.Equal(CodeSignal.CodeRequest, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void Detect_NearMissOfATaskRule_IsNotCode(string text)
    {
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Score_PlainWordTask_IsRequestWithAndWithoutTheShortcut(string text)
    {
        Assert.True(PlainWords.MayScore(text));
        Assert.Equal(PlainWords.Request, PlainWords.ScoreWords(text));
    }
}
