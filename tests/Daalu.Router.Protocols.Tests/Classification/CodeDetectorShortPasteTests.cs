using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Protocols.Tests.Classification;

// Issue 18, twelfth session: short pastes and the line shapes found on the second development set
// (hack/classifier/dev2/build.py; StandaloneLines.cs, LineScanner's short-paste rule, LanguageShapes). Each rule has
// code it finds and a near miss it must leave alone. Examples written for these tests, not taken from any set.
public class CodeDetectorShortPasteTests
{
    // One line that is code on its own (StandaloneLines).
    public static TheoryData<string> StandaloneCode => new()
    {
        "variable \"instance_count\" {",
        "policy_arn = aws_iam_policy.reader.arn",
        "ALTER SEQUENCE order_id_seq RESTART WITH 1;",
        "SET search_path = app, public;",
        "import com.fasterxml.jackson.databind.ObjectMapper",
        "from collections.abc import Mapping",
        "import { useState } from 'react'",
        "AF.upload(fileURL, to: \"https://example.com/upload\")",
        "testImplementation(\"org.junit.jupiter:junit-jupiter:5.10.0\")",
        "<input type=\"email\" name=\"login\">",
        "{% include footer.html %}",
        "poetry add --group dev pytest",
        "Import-Module posh-git",
        "Get-ChildItem -Path C:\\logs -Recurse",
        "composer require monolog/monolog",
        "function debounce(fn, wait) {",
        "for f in *.log; do",
        "Why does this never match?\n\nif [ -f \"$CONFIG\" ]; then",
    };

    public static TheoryData<string> StandaloneNearMisses => new()
    {
        "use --force if the push is rejected",
        "Get-Together at 5 with the team",
        "Coca-Cola Zero, please",
        "try --help for the options",
        "import my photos from the phone",
        "Import the data from Excel into a new sheet",
        "SET the table before the guests arrive.",
        "DROP everything and come here;",
        "call(me) maybe",
        "<b>Important</b>: read this first",
        "{{ name }} said hi",
        "def not the right answer (I think)",
        "for the record, I was there; then",
    };

    [Theory]
    [MemberData(nameof(StandaloneCode))]
    public void Detect_LineThatIsCodeOnItsOwn_ReturnsCode(string text)
    {
        Assert.NotEqual(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(StandaloneNearMisses))]
    public void Detect_SentenceWithAStandaloneLinesMark_ReturnsNone(string text)
    {
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }

    // Two to four lines, every one of code's shape (LineScanner's short-paste rule).
    public static TheoryData<string> ShortPastes => new()
    {
        "margin: 0 auto;",
        "isMinifyEnabled = true",
        "files=files,\njson=json,\nparams=params,",
        "public sealed class OrderService {",
        "build:\n  context: ./api\n  dockerfile: Dockerfile.dev",
        "exclude: [node_modules, dist]\ninclude:\n  - src",
        "// keep the old name for callers\npublic int Count => _items.Count;",
    };

    public static TheoryData<string> ShortPasteNearMisses => new()
    {
        "done",
        "about,",
        "-sigh",
        "milk,\neggs,\nbread,",
        "x = 5",
        "else",
        "then with that",
        "pass",
        "name: John\nage: 32",
        "todo: laundry\ndone: dishes",
        "Stricter checks for 'client = httpx.Client()' styles. (#1800)",
        "-----= Posted via the web =-----",
        "x = 5\ny = 3\nwhat is x + y?",
        "PathFlag.ValueFromContext() as a convenient accessor",
    };

    [Theory]
    [MemberData(nameof(ShortPastes))]
    public void Detect_ShortPasteOfCodeShapedLines_ReturnsCode(string text)
    {
        Assert.NotEqual(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(ShortPasteNearMisses))]
    public void Detect_ShortTextWithASentenceOrFlatPairs_ReturnsNone(string text)
    {
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }

    // Windows of everyday files the line rules used to miss: a Dockerfile without FROM, compose environment keys and
    // quoted port items under an open key, compiler flags one per line, typed parameters with defaults, a Terraform
    // rule table with kebab-case keys.
    public static TheoryData<string> Windows => new()
    {
        "WORKDIR /srv\nCOPY package.json .\nRUN npm ci --omit=dev\nCMD [\"node\", \"server.js\"]",
        "environment:\n  DEBUG: \"1\"\n  PORT: 8080\nports:\n  - \"8080:8080\"",
        "target_compile_options(app PRIVATE\n    -Wall\n    -Wextra\n    -Wpedantic\n    -Werror",
        "    timeout: float | None = None,\n    retries: int = 3,\n    verify: bool | str = True,\n    proxy: str | None = None,",
        "  ssh-tcp       = [22, 22, \"tcp\", \"SSH\"]\n  http-80-tcp   = [80, 80, \"tcp\", \"HTTP\"]\n  https-443-tcp = [443, 443, \"tcp\", \"HTTPS\"]",
    };

    public static TheoryData<string> WindowNearMisses => new()
    {
        "RUN to the store\nADD milk to the list",
        "- buy milk\n- call mom\n- pay rent",
        "Things to pack:\n  Passport: yes\n  Tickets: printed",
        "well-known = [the usual suspects]\nlong-term = plans, maybe",
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Detect_WindowOfAnEverydayFile_ReturnsCode(string text)
    {
        Assert.NotEqual(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(WindowNearMisses))]
    public void Detect_ListsAndNotesShapedLikeConfig_ReturnsNone(string text)
    {
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }

    // Tool output pasted on its own: a compiler's diagnostic, a build tool's failure, a log line with a timestamp and a
    // level, a PostgreSQL message, one stack frame. The formats follow the tools' own output as run here (GCC 12, javac
    // 17, MSBuild's "file(line,col): error", rustc 1.95, GNU make 4.3, npm 11, PostgreSQL 15, redis-server 7, nginx,
    // Python logging, java.util.logging); the texts are written for these tests.
    public static TheoryData<string> ToolOutput => new()
    {
        "main.c:12:7: error: 'count' undeclared (first use in this function)",
        "Service.java:31: error: cannot find symbol",
        "Startup.cs(14,9): error CS0103: The name 'builder' does not exist in the current context",
        "error[E0599]: no method named `len` found for type `i32` in the current scope",
        "ld: error: undefined symbol: curl_easy_init",
        "make: *** [Makefile:12: test] Error 2",
        "npm ERR! code ERESOLVE",
        "2025-03-02 14:05:11,873 ERROR [celery.worker] Task tasks.send_mail raised an exception",
        "2025/03/02 14:05:11 [crit] 812#812: *17 connect() to unix:/run/php/fpm.sock failed",
        "Mar  2 14:05:11 web01 sshd[2211]: Accepted publickey for deploy from 10.0.0.5",
        "Mar  2 14:05:11 web01 kernel: eth0: link up",
        "03-02 14:05:11.204  1810  1822 W ActivityManager: Slow operation: 61ms so far",
        "2025-03-02 14:05:11, Warning  CBS  Failed to load the package store",
        "2025-03-02 14:05:11.204 UTC [4411] LOG:  checkpoint starting: time " + "and a very long tail that runs past two hundred characters of text, as server log lines often do when they carry a statement, a context and the client's address, port and application name",
        "10.1.2.3 - - [02/Mar/2025:14:05:11 +0000] \"POST /login HTTP/1.1\" 302 0",
        "ERROR:  duplicate key value violates unique constraint \"users_email_key\"",
        "at com.example.billing.InvoiceService.total(InvoiceService.java:88)",
    };

    public static TheoryData<string> ToolOutputNearMisses => new()
    {
        "2025-03-02 14:05 dentist, then lunch with Sam",
        "[10:42:13] sam: are we still on for tonight",
        "Jun 14 15:16 we met: it was fun",
        "Error: my card was charged twice",
        "Mar 2 at 14:05 - the INFO desk opens late",
        "make: a list of things to buy",
        "at the station (platform 3:15 train)",
        "warning: a short story about a program",
    };

    [Theory]
    [MemberData(nameof(ToolOutput))]
    public void Detect_OneLineOfToolOutput_ReturnsCode(string text)
    {
        Assert.NotEqual(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(ToolOutputNearMisses))]
    public void Detect_NotesAndChatWithTimesOrErrors_ReturnsNone(string text)
    {
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }
}
