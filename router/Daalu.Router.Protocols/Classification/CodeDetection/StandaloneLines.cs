using System.Buffers;
using System.Collections.Frozen;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Lines that are code on their own, for the short pastes users send (one command, one statement, one tag): issue 18,
/// twelfth session, written against the second development set (hack/classifier/dev2/build.py: short pastes of 1-4 lines
/// and the bodies of documentation code blocks from repositories no held-out set uses), never against a held-out set.
/// Each shape is one a line of prose or chat does not take: a Terraform block header or attribute
/// (<c>variable "items" {</c>, <c>value = module.lambda.arn</c>; see <see cref="LanguageShapes.Hcl"/>), an upper-case SQL statement closed by ';' (<c>DROP INDEX index_name;</c>), an import of a
/// dotted or quoted name (<c>import okhttp3.CipherSuite</c>), a call statement that opens the line
/// (<c>AF.request("https://x")</c>), a tag with an attribute (<c>&lt;div class="x"&gt;</c>), a template tag
/// (<c>{% post_url x %}</c>), a compiler's or build tool's diagnostic (<c>a.c:4:13: warning: ...</c>,
/// <c>error[E0308]: mismatched types</c>, <c>make: *** ...</c>), a log line (a timestamp and a level, see
/// <see cref="LogLine"/>), a PowerShell cmdlet call (<c>Import-Module posh-git</c>), one stack frame (<c>at Main.main(Main.java:7)</c>) or a PostgreSQL message (<c>ERROR:  relation "users" does not exist</c>), and a command with a long flag (<c>nvm run node --version</c>) or a package/path argument
/// (<c>composer require guzzlehttp/guzzle</c>).
/// Read by <see cref="LineScanner.Shapes"/> only after every other rule said no, so it can only add verdicts.
/// </summary>
internal static class StandaloneLines
{
    // Statement verbs of SQL (ISO/IEC 9075 and the PostgreSQL/MySQL utility statements), upper-case.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> SqlVerbs = new[]
    {
        "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "SET", "SHOW",
        "USE", "EXPLAIN", "ANALYZE", "VACUUM", "WITH", "BEGIN", "COMMIT", "ROLLBACK", "CALL", "EXEC", "DECLARE", "MERGE",
        "REINDEX", "COPY", "RESET", "PRAGMA", "DESCRIBE", "REPLACE", "UPSERT",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // First words of chat and prose that can precede a flag ("use --force", "try -v", "how do I ..."): such a line is a
    // sentence about a command, not the command.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> SentenceStarts = new[]
    {
        "a", "an", "the", "i", "im", "you", "we", "they", "he", "she", "it", "use", "using", "try", "trying", "with", "and", "or",
        "but", "so", "then", "also", "just", "please", "maybe", "how", "what", "why", "when", "where", "which", "who", "is",
        "are", "was", "can", "could", "should", "would", "will", "do", "does", "did", "if", "to", "add", "pass", "set", "see",
        "note", "passing", "adding", "without", "by", "for", "in", "on", "of", "this", "that", "my", "your", "our", "its",
        "not", "no", "yes", "ok", "okay", "hi", "hello", "thanks", "run", "running", "call", "calling", "type", "enter",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly SearchValues<char> SentenceMarks = SearchValues.Create("?!");

    private static readonly SearchValues<char> CommandMarks = SearchValues.Create("-/.~");

    /// <summary>Letters and spaces: a line made of these only is words, not statements.</summary>
    internal static readonly SearchValues<char> PlainWordChars = SearchValues.Create(" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>Whether the trimmed line <paramref name="t"/> is code on its own.</summary>
    public static bool Is(ReadOnlySpan<char> t)
    {
        // A question is not a line of code (and most chat lines end with one, so this is the common exit); a line of
        // words only ("what is my balance") can be an import ("import numpy as np") and nothing else here.
        if (t.Length < 4 || t[^1] == '?')
        {
            return false;
        }

        if (!t.ContainsAnyExcept(PlainWordChars))
        {
            return t[0] is 'i' or 'f' && Import(t);
        }

        return t[0] switch
        {
            '<' => Tag(t),
            '{' => TemplateTag(t),
            _ when char.IsAsciiLetterUpper(t[0]) && SqlStatement(t) => true,
            _ when char.IsAsciiDigit(t[0]) || t[0] == '[' => LogLine(t),
            // A line of prose starts with a capital too: only a weekday or month name (a space or ',' after three letters)
            // or a message level followed by ':' is read further.
            _ when char.IsAsciiLetterUpper(t[0]) && (t[3] is ' ' or ',' && LogLine(t) || t.IndexOf(':') is > 2 and < 12 && ServerMessage(t) || t.IndexOf('-') is > 1 and < 12 && Cmdlet(t)) => true,
            'a' when t.StartsWith("at ", StringComparison.Ordinal) && LineScanner.IsStackFrame(t[3..]) && t[^1] == ')' => true,
            // Each shape below needs a mark the line is searched for once: '(' for calls and definitions, ':' for
            // diagnostics (or npm's "ERR!" and "error"), '=' or '{' for Terraform, a long flag or a path for commands.
            _ => Import(t) || ShellBranch(t) || t.Contains('(') && (CallStatement(t) || Definition(t)) || (t.IndexOfAny(':', '>', '!') >= 0 || t.StartsWith("npm ", StringComparison.Ordinal)) && Diagnostic(t) ||
                t.ContainsAny(CommandMarks) && Command(t) || char.IsAsciiLetterLower(t[0]) && t.IndexOfAny('=', '{') > 0 && LanguageShapes.Hcl(t),
        };
    }

    // "<div class=\"improve right\">", "<a href=\"{{ post.url }}\" itemprop=\"url\">", "<td>1</td>": a tag with a quoted
    // attribute, or a tag opened and closed on the line.
    private static bool Tag(ReadOnlySpan<char> t)
    {
        var end = 1;
        while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '-' or ':'))
        {
            end++;
        }

        if (end == 1 || !char.IsAsciiLetter(t[1]) || end >= t.Length || t[end] is not ' ' and not '>' and not '/')
        {
            return false;
        }

        var attribute = t.IndexOf("=\"", StringComparison.Ordinal);
        return t[^1] == '>' && (attribute > end && t[(attribute + 2)..].Contains('"') || t.Contains("</", StringComparison.Ordinal));
    }

    // "{% post_url 2010-07-21-name %}", "{{- doc.title -}}": Liquid, Jinja and Go template tags.
    private static bool TemplateTag(ReadOnlySpan<char> t) =>
        t.StartsWith("{%", StringComparison.Ordinal) && t.EndsWith("%}", StringComparison.Ordinal) ||
        t.StartsWith("{{", StringComparison.Ordinal) && t.EndsWith("}}", StringComparison.Ordinal) && t.Length > 5 && !t[2..^2].Contains("{{", StringComparison.Ordinal) && t.Count(' ') <= 6;

    // "DROP INDEX index_name;", "SET max_parallel_workers_per_gather = 4;", "ALTER EXTENSION vector UPDATE;": an
    // upper-case statement verb, a second upper-case word or a code-like name, and ';' closing the line.
    private static bool SqlStatement(ReadOnlySpan<char> t)
    {
        if (t[^1] != ';' || t.ContainsAny(SentenceMarks))
        {
            return false;
        }

        var space = t.IndexOf(' ');
        if (space < 3 || !SqlVerbs.Contains(t[..space]))
        {
            return false;
        }

        var rest = t[(space + 1)..^1].Trim();
        var next = rest.IndexOf(' ');
        var word = next < 0 ? rest : rest[..next];
        return !word.IsEmpty && (word.Length >= 2 && !word.ContainsAnyInRange('a', 'z') && char.IsAsciiLetter(word[0]) || word.IndexOfAny("_.*(") >= 0 || rest.Contains(" = ", StringComparison.Ordinal));
    }

    // "import okhttp3.CipherSuite.forJavaName", "import { x } from 'y'", "from a.b import c", "using System.Text;",
    // "package com.example.app", "require 'json'": a dotted, quoted or ';'-closed name after the import word.
    private static bool Import(ReadOnlySpan<char> t)
    {
        ReadOnlySpan<char> rest;
        if (t.StartsWith("import ", StringComparison.Ordinal))
        {
            rest = t[7..];
        }
        else if (t.StartsWith("from ", StringComparison.Ordinal))
        {
            var import = t.IndexOf(" import ", StringComparison.Ordinal);
            return import > 5 && IsDottedName(t[5..import]) && (t[5..import].IndexOfAny("._") >= 0 || !t[(import + 8)..].Trim().Contains(' '));
        }
        else if (t.StartsWith("package ", StringComparison.Ordinal) || t.StartsWith("using ", StringComparison.Ordinal))
        {
            rest = t[(t.IndexOf(' ') + 1)..];
            var name = rest.TrimEnd(';');
            return name.Contains('.') && IsDottedName(name) || t[^1] == ';' && IsDottedName(name) && char.IsAsciiLetterUpper(name[0]);
        }
        else if (t.StartsWith("require ", StringComparison.Ordinal) || t.StartsWith("require(", StringComparison.Ordinal))
        {
            rest = t[8..].Trim().TrimEnd(';').TrimEnd(')');
            return rest.Length >= 3 && rest[0] is '\'' or '"' && rest[^1] == rest[0] && !rest[1..^1].Contains(' ');
        }
        else
        {
            return false;
        }

        rest = rest.TrimEnd(';');
        if (rest.IndexOfAny('\'', '"') >= 0)
        {
            // JavaScript: "import x from 'y'", "import { a, b } from \"y\"", "import './styles.css'".
            var quote = rest.IndexOfAny('\'', '"');
            var path = rest[(quote + 1)..];
            var close = path.IndexOf(rest[quote]);
            return close > 0 && !path[..close].Contains(' ') && (quote == 0 || rest[..quote].EndsWith(" from ", StringComparison.Ordinal));
        }

        // "import a.b.C", "import a.b.*", "import numpy as np", "import os, sys".
        var alias = rest.IndexOf(" as ", StringComparison.Ordinal);
        var module = alias > 0 ? rest[..alias] : rest;
        return IsDottedName(module) && (module.IndexOfAny("._*") >= 0 || alias > 0 || t[^1] == ';');
    }

    private static bool IsDottedName(ReadOnlySpan<char> s)
    {
        s = s.Trim();
        if (s.IsEmpty || !char.IsAsciiLetter(s[0]) && s[0] != '_')
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '*'))
            {
                return false;
            }
        }

        return !s.EndsWith(".", StringComparison.Ordinal);
    }

    // "AF.request(\"https://x\")", "testImplementation(\"com.squareup:okhttp:5\")", "print('hi')", "app.listen(3000);":
    // a name (dotted, snake_case, camelCase, or any name with quoted or keyword arguments) that opens the line, '(' right
    // after it, balanced parentheses, and the line ending with the call (")", ");", ") {", ").").
    private static bool CallStatement(ReadOnlySpan<char> t)
    {
        var end = 0;
        var marked = false;
        while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '_' or '.' or '$'))
        {
            marked |= t[end] is '_' or '.' or '$' || end > 0 && char.IsAsciiLetterUpper(t[end]) && char.IsAsciiLetterLower(t[end - 1]);
            end++;
        }

        if (end < 2 || end >= t.Length || t[end] != '(' || !char.IsAsciiLetter(t[0]) && t[0] is not '_' and not '$' || t[end - 1] == '.')
        {
            return false;
        }

        var body = t.EndsWith(");", StringComparison.Ordinal) ? t[..^1] : t.EndsWith(") {", StringComparison.Ordinal) ? t[..^2] : t;
        if (body[^1] != ')')
        {
            return false;
        }

        var depth = 0;
        for (var i = end; i < body.Length; i++)
        {
            depth += body[i] == '(' ? 1 : body[i] == ')' ? -1 : 0;
            if (depth == 0 && i < body.Length - 1)
            {
                // Closed before the end: only a chained call may follow (".validate()").
                if (body[i + 1] != '.')
                {
                    return false;
                }
            }
        }

        if (depth != 0)
        {
            return false;
        }

        var args = body[(end + 1)..^1];
        // "implementation(libs.gradlePlugin.kotlin)": one dotted name as the argument.
        return marked && !args.Contains(". ", StringComparison.Ordinal) || args.Length > 0 && (args[0] is '"' or '\'' or '[' or '{' or '$' || args.Contains('=') && !args.Contains(' ') ||
            args.Contains('.') && !args.Contains(' ') && char.IsAsciiLetter(args[0]) && args[^1] != '.');
    }

    // "def process(args, opts)", "function foo(a, b) {", "func application(_ application: UIApplication,",
    // "fn parse(input: &str) -> Result<T> {": a definition word, a name and '(' right after it.
    private static bool Definition(ReadOnlySpan<char> t)
    {
        var space = t.IndexOf(' ');
        if (space < 2 || !(t[..space] is "def" or "function" or "func" or "fn" or "fun" or "sub" or "proc" or "defp" or "async"))
        {
            return false;
        }

        var rest = t[(space + 1)..];
        if (rest.StartsWith("function ", StringComparison.Ordinal) || rest.StartsWith("def ", StringComparison.Ordinal) || rest.StartsWith("fn ", StringComparison.Ordinal))
        {
            rest = rest[(rest.IndexOf(' ') + 1)..];
        }

        var end = 0;
        while (end < rest.Length && (char.IsAsciiLetterOrDigit(rest[end]) || rest[end] is '_' or '$' or '!' or '?' || end > 0 && rest[end] == '.'))
        {
            end++;
        }

        return end >= 1 && end < rest.Length && rest[end] is '(' or '<' && !rest.Contains(". ", StringComparison.Ordinal) && char.IsAsciiLetter(rest[0]) | rest[0] == '_';
    }

    // "if [ -z \"${MIRROR}\" ]; then", "for f in *.txt; do", "case \"$1\" in", "while read -r line; do": a shell branch or
    // loop opener.
    private static bool ShellBranch(ReadOnlySpan<char> t) =>
        (t.StartsWith("if ", StringComparison.Ordinal) || t.StartsWith("elif ", StringComparison.Ordinal) || t.StartsWith("while ", StringComparison.Ordinal) || t.StartsWith("for ", StringComparison.Ordinal) || t.StartsWith("until ", StringComparison.Ordinal)) &&
            (t.EndsWith("; then", StringComparison.Ordinal) || t.EndsWith("; do", StringComparison.Ordinal)) && t.IndexOfAny("[$*") > 0 ||
        t.StartsWith("case ", StringComparison.Ordinal) && t.EndsWith(" in", StringComparison.Ordinal) && t.Contains('$');

    // A tool's diagnostic line: "a.c:4:13: warning: unused variable", "Main.java:4: error: ';' expected",
    // "Program.cs(3,5): error CS1002: ; expected", "error[E0308]: mismatched types", "--> src/main.rs:4:20",
    // "collect2: error: ld returned 1 exit status", "make: *** No rule to make target 'x'.  Stop.", "npm ERR! code ENOENT",
    // "npm error Missing script: \"build\"": the formats of GCC/Clang, javac, MSBuild, rustc, GNU make and npm.
    private static bool Diagnostic(ReadOnlySpan<char> t)
    {
        if (t.StartsWith("error[E", StringComparison.Ordinal) || t.StartsWith("warning[", StringComparison.Ordinal) ||
            t.StartsWith("npm ERR! ", StringComparison.Ordinal) || t.StartsWith("npm error ", StringComparison.Ordinal) ||
            t.StartsWith("make: *** ", StringComparison.Ordinal) || t.StartsWith("make[", StringComparison.Ordinal) && t.Contains("]: ", StringComparison.Ordinal))
        {
            return true;
        }

        if (t.StartsWith("--> ", StringComparison.Ordinal))
        {
            return PathWithLine(t[4..].Trim(), out var rest) && rest.IsEmpty;
        }

        // "path.ext:12:5: error: ...", "path.ext:12: warning: ...", "File.cs(3,5): error CS1002: ...", "tool: error: ...".
        if (PathWithLine(t, out var after) && (after.StartsWith(": ", StringComparison.Ordinal) || after.StartsWith(" : ", StringComparison.Ordinal)))
        {
            var kind = after.TrimStart(' ').TrimStart(':').TrimStart();
            return kind.StartsWith("error", StringComparison.Ordinal) || kind.StartsWith("warning", StringComparison.Ordinal) ||
                kind.StartsWith("fatal error", StringComparison.Ordinal) || kind.StartsWith("note: ", StringComparison.Ordinal);
        }

        var colon = t.IndexOf(": ", StringComparison.Ordinal);
        if (colon >= 2 && colon <= 30 && char.IsAsciiLetterLower(t[0]))
        {
            foreach (var c in t[..colon])
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.' or '+'))
                {
                    return false;
                }
            }

            var kind = t[(colon + 2)..];
            return kind.StartsWith("error: ", StringComparison.Ordinal) || kind.StartsWith("fatal error: ", StringComparison.Ordinal) || kind.StartsWith("warning: ", StringComparison.Ordinal);
        }

        return false;
    }

    // "a.c:4:13", "Main.java:4", "src/main.rs:4:20", "Program.cs(3,5)": a file name with an extension, then a line number
    // (and a column); rest is what follows.
    private static bool PathWithLine(ReadOnlySpan<char> t, out ReadOnlySpan<char> rest)
    {
        rest = default;
        var end = 0;
        while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '/' or '\\' or '.' or '_' or '-'))
        {
            end++;
        }

        var path = t[..end];
        var dot = path.LastIndexOf('.');
        if (end == t.Length || dot <= 0 || dot >= path.Length - 1 || path.Length - dot > 6)
        {
            return false;
        }

        var i = end;
        if (t[i] == ':' && i + 1 < t.Length && char.IsAsciiDigit(t[i + 1]))
        {
            i++;
            while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == ':' && i + 1 < t.Length && char.IsAsciiDigit(t[i + 1])))
            {
                i++;
            }
        }
        else if (t[i] == '(' && i + 1 < t.Length && char.IsAsciiDigit(t[i + 1]))
        {
            var close = t[i..].IndexOf(')');
            if (close < 0)
            {
                return false;
            }

            i += close + 1;
        }
        else
        {
            return false;
        }

        rest = t[i..];
        return true;
    }

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private static readonly string[] Weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    // Level words of logging libraries and servers (log4j/logback, Python logging, java.util.logging, syslog severities,
    // PostgreSQL's message levels, nginx's and Apache's bracketed levels), as a word after the timestamp.
    private static readonly string[] Levels =
    [
        "INFO", "WARN", "WARNING", "ERROR", "DEBUG", "TRACE", "FATAL", "SEVERE", "NOTICE", "CRITICAL", "LOG:", "STATEMENT:",
        "DETAIL:", "HINT:", "PANIC:", "[error]", "[warn]", "[notice]", "[emerg]", "[crit]", "[info]", "[debug]", "[alert]",
    ];

    /// <summary>A log line: a timestamp first (<c>2026-12-08 02:42:39.147</c>, <c>2026/12/08 02:42:41</c>,
    /// <c>Dec 08, 2026 2:42:47 AM</c>, <c>[Sun Dec 04 04:47:44 2005]</c>, Redis's <c>16553:M 08 Dec 2026 02:42:40.334</c>),
    /// with a time of day in it, then a level word, a program tag (<c>sshd[24200]:</c>) or Redis's role marker within
    /// the next words; or an access-log line (<c>127.0.0.1 - - [08/Dec/2026:02:42:42 +0000] "GET / HTTP/1.1" 200</c>).</summary>
    public static bool LogLine(ReadOnlySpan<char> t)
    {
        if (AccessLog(t))
        {
            return true;
        }

        var s = t[0] == '[' ? t[1..] : t;
        var redis = false;
        var pid = 0;
        while (pid < s.Length && pid < 8 && char.IsAsciiDigit(s[pid]))
        {
            pid++;
        }

        if (pid > 0 && pid + 3 < s.Length && s[pid] == ':' && char.IsAsciiLetterUpper(s[pid + 1]) && s[pid + 2] == ' ')
        {
            // Redis: "16553:M 08 Dec 2026 ...".
            s = s[(pid + 3)..];
            redis = true;
        }

        var stamp = Timestamp(s);
        if (stamp == 0)
        {
            return false;
        }

        var named = char.IsAsciiLetter(s[0]);

        var rest = s[stamp..];
        rest = rest[..Math.Min(rest.Length, 90)];
        if (redis && rest.Length > 2 && rest[0] is '*' or '#' or '-' or '.' && rest[1] == ' ')
        {
            return true;
        }

        // java.util.logging's first line: "Dec 08, 2026 2:42:47 AM com.example.Main main" (a class and a method after the time).
        if ((rest.StartsWith("AM ", StringComparison.Ordinal) || rest.StartsWith("PM ", StringComparison.Ordinal)) && rest[3..].Trim() is var source &&
            source.IndexOf(' ') is var gap && gap > 0 && !source[(gap + 1)..].Contains(' ') && char.IsAsciiLetterLower(source[gap + 1]))
        {
            return true;
        }

        foreach (var level in Levels)
        {
            var at = rest.IndexOf(level, StringComparison.Ordinal);
            if (at >= 0 && (at == 0 || rest[at - 1] is ' ' or '[' or '|' or '-') && (at + level.Length == rest.Length || !char.IsAsciiLetterOrDigit(rest[at + level.Length])))
            {
                return true;
            }
        }

        // Right after the timestamp: a capitalised level ("2016-09-28 04:30:30, Info  CBS ..."), or logcat's process and
        // thread ids and one-letter level before a tag ("03-17 16:13:38.811  1702  2395 D WindowManager: ...").
        var first = rest.TrimStart();
        if (first.StartsWith("Info ", StringComparison.Ordinal) || first.StartsWith("Warning ", StringComparison.Ordinal) ||
            first.StartsWith("Error ", StringComparison.Ordinal) || first.StartsWith("Debug ", StringComparison.Ordinal) || LogcatLevel(first))
        {
            return true;
        }

        // A syslog program tag in the first words: "host sshd[24200]:", "host sshd(pam_unix)[19939]:", "host kernel:".
        var bracket = rest.IndexOf("]:", StringComparison.Ordinal);
        if (bracket > 0 && rest[..bracket].LastIndexOf('[') is var open && open > 0 && (char.IsAsciiLetterOrDigit(rest[open - 1]) || rest[open - 1] == ')') &&
            rest[(open + 1)..bracket].IndexOfAnyExceptInRange('0', '9') < 0)
        {
            return true;
        }

        // syslog without a pid: "Jun 14 15:16:01 combo kernel: ..." (a month-named timestamp, a host, then "program:").
        var host = first.IndexOf(' ');
        if (named && host > 0 && first[(host + 1)..] is var program && program.IndexOf(' ') is var tagEnd && tagEnd > 1 && program[tagEnd - 1] == ':')
        {
            var tag = program[..(tagEnd - 1)];
            return !first[..host].Contains(':') && tag.IndexOfAnyExcept(TagChars) < 0;
        }

        return false;
    }

    private static readonly SearchValues<char> TagChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.()/");

    // "1702  2395 D WindowManager: ...": two numbers, a level letter of Android's logcat (V, D, I, W, E, F) and a tag.
    private static bool LogcatLevel(ReadOnlySpan<char> s)
    {
        var numbers = 0;
        while (!s.IsEmpty && char.IsAsciiDigit(s[0]))
        {
            var end = s.IndexOf(' ');
            if (end < 0 || s[..end].IndexOfAnyExceptInRange('0', '9') >= 0)
            {
                return false;
            }

            numbers++;
            s = s[end..].TrimStart();
        }

        return numbers >= 0 && s.Length > 3 && s[0] is 'V' or 'D' or 'I' or 'W' or 'E' or 'F' && s[1] == ' ' && s[2..].IndexOf(": ", StringComparison.Ordinal) > 0;
    }

    // The length of a leading date and time (with seconds) ("2026-12-08 02:42:39.147 UTC", "081109 203615", "Dec 08, 2026 2:42:47 AM",
    // "Sun Dec 04 04:47:44 2005]"), or 0: a run of digits and date/time separators with a time of day (hh:mm:ss) in it,
    // or a month name, a day and a time of day.
    private static int Timestamp(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (s.Length >= 4 && StartsWithAny(s, Weekdays) && s[3] == ' ')
        {
            i = 4;
        }

        var named = i + 4 <= s.Length && StartsWithAny(s[i..], Months) && s[i + 3] == ' ';
        if (named)
        {
            i += 4;
        }
        else if (i > 0 || s.IsEmpty || !char.IsAsciiDigit(s[0]))
        {
            return 0;
        }

        var end = i;
        var digits = 0;
        var time = false;
        var colons = 0;
        while (end < s.Length && end - i < 40)
        {
            var c = s[end];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == ':' && end >= 2 && char.IsAsciiDigit(s[end - 1]) && char.IsAsciiDigit(s[end - 2]) && end + 2 < s.Length && char.IsAsciiDigit(s[end + 1]) && char.IsAsciiDigit(s[end + 2]))
            {
                time = true;
                colons++;
            }
            else if (char.IsAsciiLetterUpper(c) && c != 'T' && end + 3 < s.Length && s[end + 3] is ' ' or '/' && StartsWithAny(s[end..], Months))
            {
                // "08 Dec 2026 02:42:40", "08/Dec/2026:02:42:42".
                named = true;
                end += 3;
                continue;
            }
            else if (c is not '-' and not '/' and not '.' and not ',' and not ' ' and not 'T' and not ':' and not '+')
            {
                break;
            }

            end++;
        }

        // "081109 203615": a compact date and time of six digits each.
        var compact = !named && end >= 13 && digits >= 12 && s[6] == ' ';
        // A time of day with seconds ("15:16:01"): a note's "at 15:16" is no log's timestamp.
        return (time && colons + (s[..end].Count(':') > colons ? 1 : 0) >= 2 || compact) && digits >= (named ? 5 : 8) ? end : 0;
    }

    private static bool StartsWithAny(ReadOnlySpan<char> s, string[] words)
    {
        foreach (var w in words)
        {
            if (s.StartsWith(w, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // "127.0.0.1 - - [08/Dec/2026:02:42:42 +0000] \"GET /x HTTP/1.1\" 404 153": the common and combined log formats.
    private static bool AccessLog(ReadOnlySpan<char> t)
    {
        var open = t.IndexOf(" [", StringComparison.Ordinal);
        if (open < 7 || open > 60 || !char.IsAsciiDigit(t[0]) && !char.IsAsciiHexDigit(t[0]))
        {
            return false;
        }

        var request = t.IndexOf("] \"", StringComparison.Ordinal);
        return request > open && t[(request + 3)..] is var r && (r.StartsWith("GET ", StringComparison.Ordinal) || r.StartsWith("POST ", StringComparison.Ordinal) ||
            r.StartsWith("PUT ", StringComparison.Ordinal) || r.StartsWith("DELETE ", StringComparison.Ordinal) || r.StartsWith("HEAD ", StringComparison.Ordinal) ||
            r.StartsWith("PATCH ", StringComparison.Ordinal) || r.StartsWith("OPTIONS ", StringComparison.Ordinal)) && r.Contains(" HTTP/", StringComparison.Ordinal);
    }

    // PostgreSQL's client messages: "ERROR:  relation \"users\" does not exist", "DETAIL:  Key (id)=(1) already exists.",
    // "LINE 1: select * form users;" (a level, ':' and two spaces, as libpq prints them; or psql's LINE n:).
    private static bool ServerMessage(ReadOnlySpan<char> t) =>
        (t.StartsWith("ERROR:  ", StringComparison.Ordinal) || t.StartsWith("DETAIL:  ", StringComparison.Ordinal) || t.StartsWith("HINT:  ", StringComparison.Ordinal) ||
         t.StartsWith("FATAL:  ", StringComparison.Ordinal) || t.StartsWith("WARNING:  ", StringComparison.Ordinal) || t.StartsWith("NOTICE:  ", StringComparison.Ordinal) ||
         t.StartsWith("STATEMENT:  ", StringComparison.Ordinal) || t.StartsWith("CONTEXT:  ", StringComparison.Ordinal)) && t.Length > 12 ||
        t.StartsWith("LINE ", StringComparison.Ordinal) && t.Length > 8 && char.IsAsciiDigit(t[5]) && t[6..].IndexOf(": ", StringComparison.Ordinal) is >= 0 and <= 4;

    // PowerShell's approved verbs (Microsoft, "Approved Verbs for PowerShell Commands"), the common ones.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CmdletVerbs = new[]
    {
        "Get", "Set", "New", "Remove", "Import", "Export", "Install", "Uninstall", "Add", "Clear", "Write", "Read", "Invoke",
        "Start", "Stop", "Restart", "Test", "Select", "Where", "ForEach", "Out", "ConvertTo", "ConvertFrom", "Update",
        "Enable", "Disable", "Register", "Unregister", "Copy", "Move", "Rename", "Join", "Split", "Measure", "Wait",
        "Resolve", "Expand", "Compress", "Format", "Push", "Pop", "Find", "Save", "Publish", "Show", "Sort", "Group",
        "Connect", "Disconnect", "Enter", "Exit", "Receive", "Send", "Suspend", "Resume", "Undo", "Use", "Mount", "Dismount",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // "Import-Module posh-git", "Get-ChildItem -Recurse", "Add-PoshGitToProfile", "Write-Host $msg": an approved verb,
    // '-', a capitalised noun of four or more letters, then nothing, a parameter, a variable, a quoted string or a
    // hyphenated, dotted or path-like argument ("Get-Together at 5" has none of these).
    private static bool Cmdlet(ReadOnlySpan<char> t)
    {
        var dash = t.IndexOf('-');
        if (!CmdletVerbs.Contains(t[..dash]))
        {
            return false;
        }

        var end = dash + 1;
        while (end < t.Length && char.IsAsciiLetterOrDigit(t[end]))
        {
            end++;
        }

        if (end - dash - 1 < 4 || !char.IsAsciiLetterUpper(t[dash + 1]))
        {
            return false;
        }

        if (end == t.Length)
        {
            return true;
        }

        if (t[end] != ' ')
        {
            return false;
        }

        var arg = t[(end + 1)..].TrimStart();
        var word = arg.IndexOf(' ') is var space && space > 0 ? arg[..space] : arg;
        return !word.IsEmpty && (word[0] is '-' or '$' or '"' or '\'' or '@' or '(' || word.IndexOfAny("-./\\:") > 0);
    }

    // "nvm run node --version", "xcode-select --install", "composer require guzzlehttp/guzzle", "cli hello --shout rick":
    // a lower-case command word that is not a sentence's first word, at most twelve words, no question, and a long flag
    // ("--name") or, for a known command, a package or path argument.
    private static bool Command(ReadOnlySpan<char> t)
    {
        if (!char.IsAsciiLetterLower(t[0]) || t.ContainsAny(SentenceMarks) || t[^1] is '.' or ':' or ',')
        {
            return false;
        }

        var space = t.IndexOf(' ');
        if (space < 2)
        {
            return false;
        }

        var command = t[..space];
        foreach (var c in command)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        if (SentenceStarts.Contains(command) || t.Count(' ') > 11)
        {
            return false;
        }

        var flag = false;
        var pathArgument = false;
        foreach (var range in t[(space + 1)..].Split(' '))
        {
            var word = t[(space + 1)..][range];
            if (word.Length >= 3 && word[0] == '-' && word[1] == '-' && char.IsAsciiLetter(word[2]))
            {
                flag = true;
            }

            pathArgument |= word.Length >= 3 && char.IsAsciiLetterOrDigit(word[0]) && word.IndexOf('/') > 0 && !word.Contains("//", StringComparison.Ordinal) ||
                word.Length >= 2 && word[0] is '.' or '/' or '~' && word[^1] != '.';
        }

        return flag || pathArgument && LineScanner.IsCommand(command);
    }
}
