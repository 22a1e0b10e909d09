using System.Buffers;
using System.Collections.Frozen;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// The line pass of <see cref="CodeDetector"/>: fed one line at a time, it returns a signal as soon as one line (or
/// the lines so far) decide, and keeps counts for <see cref="Finish"/>. Every check on a line is a prefix test or
/// one bounded scan of that line, so a text costs a constant number of passes over its characters.
/// </summary>
internal struct LineScanner
{
    // Lines that look like source (see LinePoints).
    public int CodeLines;

    // File names with a source extension and inline code spans, each one point, capped.
    public int WeakPoints;

    private int _diffHeaders;
    private int _frames;
    private bool _exceptionHeader;
    private int _commandLines;
    private int _k8sKeys;
    private int _jsonKeys;
    private bool _jsonBrace;
    private int _yamlKeys;
    private int _yamlValues;
    private bool _yamlBlockOpen;
    private int _yamlNested;
    private int _yamlExtra;
    private bool _yamlExtraRun;
    private int _tomlSections;
    private int _tomlKeys;
    private int _dockerLines;
    private bool _dockerFrom;
    private int _markupLines;

    // Language shapes (LanguageShapes), read only after every earlier rule said no (see Shapes).
    private int _lispForms;
    private int _lispLines;
    private int _fortranLines;
    private int _asmInstructions;
    private int _asmLines;
    private int _mlLines;
    private int _hclLines;
    private int _cobolLines;
    private int _forthLines;
    private int _forthDefinitions;
    private int _structureLines;
    private int _standaloneLines;

    // Short pastes (ShortPasteLines and fewer lines): lines of code's shape, lines scoring two points, YAML lines.
    private int _shortShaped;
    private int _shortStrong;
    private int _shortYaml;
    private bool _shortYamlNested;
    private bool _shortYamlOpen;
    private bool _shortYamlStrong;
    private const int ShortPasteLines = 4;

    // The points (LinePoints) of the first ShortPasteLines lines, kept by Add for the short-paste rule.
    private int _points0;
    private int _points1;
    private int _points2;
    private int _points3;
    private int _onePointLines;
    private int _lines;
    private int _shapeCandidates;

    // Lines longer than a shape line that may be log lines (a digit or '[' first): log lines run long.
    private int _longLogCandidates;

    // Shapes are only looked for on lines of code's length: a longer line is prose (or minified code, found before).
    private const int MaxShapeLine = 200;

    // Backward scans from a '.' or '(' stop after this many characters, so a line of "a.a.a.a..." stays linear.
    private const int MaxTokenScan = 200;

    private static readonly SearchValues<char> CodeSymbols = SearchValues.Create("{}[]();=<>");

    // Marks that make a structure line of a short paste code rather than a list item: assignment, brackets, quotes,
    // member access, '_', sigils, paths.
    private static readonly SearchValues<char> StructureMarks = SearchValues.Create("=([{\"'_:.<>$@/\\");

    private static readonly string[] OperatorList = ["==", "!=", "&&", "||", "::", "+=", "-=", "++", ":=", "();", "<<", "[]"];

    private static readonly SearchValues<string> Operators = SearchValues.Create(OperatorList, StringComparison.Ordinal);

    // A second family, counted apart: arrows, closing tags, Ruby blocks and symbols.
    private static readonly string[] ArrowList = ["->", "=>", "</", "/>", "{ |", "&:"];

    private static readonly SearchValues<string> Arrows = SearchValues.Create(ArrowList, StringComparison.Ordinal);

    // What RubyBlock searches for first (keep in step with it).
    private static readonly string[] RubyBlockOpeners = ["{ |", "do |"];

    // One punctuation character of each string the three rules above need (its last one that is neither a letter nor a
    // space): a line with none of these characters (most prose) holds none of the strings, so one vectorized search
    // answers the three rules where four substring searches did.
    private static readonly SearchValues<char> OperatorsArrowsOrBlocks = SearchValues.Create(
        string.Concat(OperatorList.Concat(ArrowList).Concat(RubyBlockOpeners).Select(s => s.Last(c => !char.IsAsciiLetter(c) && c != ' ')).Distinct()));

    // Commands distinctive enough to be found inside a sentence ("when I run terraform apply -auto-approve ...").
    private static readonly string[] InlineCommands =
    [
        "git ", "npm ", "npx ", "pip ", "pip3 ", "yarn ", "pnpm ", "docker ", "kubectl ", "helm ", "sudo ", "apt-get ",
        "brew ", "curl ", "wget ", "terraform ", "dotnet ", "cargo ", "mvn ", "gradle ", "gcc ", "g++ ", "python3 ",
        "ssh ", "scp ", "grep ", "chmod ", "chown ", "systemctl ", "journalctl ", "gcloud ", "conda ", "javac ",
        "rustc ", "psql ", "openssl ", "ssh-keygen ",
    ];

    // Line openers that settle it on their own.
    private static readonly string[] Unmistakable =
    [
        "#include <", "#include \"", "#!/", "<?php", "using System", "using namespace std", "import java.", "package main",
        "public static void ", "int main(", "fn main(", "func main(", "console.log(", "System.out.print", "fmt.Print",
        "std::cout", "println!(", "#define ", "@Override", "import React", "import numpy", "import pandas",
        "if __name__", "<!DOCTYPE", "<?xml", "$(document)", "SELECT ", "module.exports", "#pragma ", "extern \"C\"",
    ];

    private static readonly SearchValues<char> UnmistakableStarts = SearchValues.Create(string.Concat(Unmistakable.Select(u => u[0]).Distinct()));

    // Keywords that start a statement or declaration, case-sensitive, followed by a space, '(' or ':'.
    private static readonly string[] Keywords =
    [
        "def", "class", "import", "from", "return", "if", "for", "while", "elif", "else", "try", "except", "catch",
        "finally", "const", "let", "var", "val", "fun", "func", "fn", "pub", "public", "private", "protected", "static",
        "void", "int", "struct", "enum", "interface", "package", "namespace", "using", "impl", "switch", "case",
        "async", "await", "export", "function", "puts", "require", "module", "end", "print", "echo", "local", "defer",
        "throw", "raise", "yield", "lambda", "match", "type", "trait", "object", "override", "guard", "extension",
        "template", "typedef", "unsafe", "mut", "self.", "this.", "@", "#",
    ];

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> KeywordSet =
        Keywords.Where(k => k.All(char.IsAsciiLetter)).ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Commands that open a shell line without a prompt; one is weak, one with a flag or pipe is a shell session.
    private static readonly string[] Commands =
    [
        "git", "npm", "npx", "pip", "pip3", "yarn", "pnpm", "docker", "kubectl", "helm", "sudo", "apt", "apt-get",
        "yum", "dnf", "brew", "curl", "wget", "cd", "ls", "mkdir", "rm", "cp", "mv", "chmod", "chown", "export",
        "cargo", "go", "dotnet", "mvn", "gradle", "make", "cmake", "gcc", "g++", "clang", "python", "python3", "node",
        "ssh", "scp", "tar", "grep", "sed", "awk", "cat", "systemctl", "journalctl", "terraform", "az", "aws",
        "gcloud", "conda", "javac", "rustc", "composer", "gem", "bundle", "kill", "ping", "nginx", "psql", "mysql",
        "redis-cli", "minikube", "kind", "k3s", "openssl", "ssh-keygen", "tail", "head", "find", "xargs", "uvicorn",
    ];

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CommandSet =
        Commands.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly string[] DockerInstructions =
    ["FROM ", "RUN ", "COPY ", "WORKDIR ", "ENTRYPOINT ", "CMD ", "EXPOSE ", "ENV ", "ARG ", "ADD ", "USER ", "LABEL ", "VOLUME "];

    private static readonly SearchValues<char> DockerStarts = SearchValues.Create(string.Concat(DockerInstructions.Select(i => i[0]).Distinct()));

    private static readonly string[] SourceExtensions =
    [
        "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "c", "h", "cc", "cpp", "hpp", "cxx", "cs", "go", "rs",
        "rb", "php", "kt", "kts", "swift", "sh", "bash", "zsh", "ps1", "sql", "yaml", "yml", "toml", "json", "xml",
        "html", "css", "scss", "vue", "svelte", "dart", "scala", "lua", "ipynb", "gradle", "csproj", "tf", "proto",
        "ini", "cfg", "conf", "env", "jsonl", "lock", "mod", "sbt", "ex", "exs", "hs", "ml", "clj", "m", "mm",
    ];

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ExtensionSet =
        SourceExtensions.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Framework names that look like file names.
    private static readonly string[] NotFiles = ["node.js", "next.js", "vue.js", "react.js", "three.js", "d3.js", "express.js", "nuxt.js", "chart.js", "p5.js", "asp.net", "ado.net"];

    /// <summary>Reads one line; a non-None result decides the text.</summary>
    public CodeSignal Add(ReadOnlySpan<char> raw)
    {
        var t = raw.Trim();
        if (t.IsEmpty)
        {
            return CodeSignal.None;
        }

        var indent = raw.Length - raw.TrimStart().Length;
        _lines++;
        _shapeCandidates += t.Length <= MaxShapeLine ? 1 : 0;
        _longLogCandidates += t.Length > MaxShapeLine && (char.IsAsciiDigit(t[0]) || t[0] == '[') ? 1 : 0;

        var signal = Structural(t, indent);
        if (signal != CodeSignal.None)
        {
            return signal;
        }

        foreach (var opener in UnmistakableStarts.Contains(t[0]) ? Unmistakable : [])
        {
            if (t.StartsWith(opener, StringComparison.Ordinal))
            {
                // "SELECT " opens a line of SQL only with FROM on it or following; inline SQL was checked before.
                if (opener == "SELECT ")
                {
                    break;
                }

                return CodeSignal.Source;
            }
        }

        var points = LinePoints(t);
        _onePointLines += points == 1 ? 1 : 0;
        switch (_lines)
        {
            case 1: _points0 = points; break;
            case 2: _points1 = points; break;
            case 3: _points2 = points; break;
            case 4: _points3 = points; break;
            default: break;
        }

        if (points >= 2)
        {
            CodeLines++;
            if (points >= 3 || CodeLines >= 2)
            {
                return CodeSignal.Source;
            }
        }

        if (WeakPoints < 2)
        {
            WeakPoints = Math.Min(2, WeakPoints + WeakEvidence(t));
        }

        return CodeSignal.None;
    }

    /// <summary>
    /// The language shapes' verdict over <paramref name="text"/> (the text whose every line was read by
    /// <see cref="Add"/>), asked only when every other rule (lines, words, weak evidence) said no, so it can
    /// only turn a "no code" into <see cref="CodeSignal.Source"/>, never change another verdict: two Lisp forms (one of
    /// them a definition, binding or test), two Fortran statements, two assembler instructions (or one and a label or
    /// directive), two ML-family bindings or arms, two Terraform (HCL) block headers or attributes; or, over the whole text, lines of code's shape adding up (a code line
    /// counts two, a one-point line, a structure line or a shape line one each) to four, with at least two structure or
    /// shape lines among them and most lines contributing.
    /// </summary>
    public CodeSignal Shapes(ReadOnlySpan<char> text)
    {
        // Every verdict below needs a line of code's length, so a long paragraph is answered without reading it again.
        if (_shapeCandidates < 1 && _longLogCandidates < 1)
        {
            return CodeSignal.None;
        }

        // The shapes are read in a second pass, only for texts every earlier rule found no code in. With one line of
        // code's length (a question, a one-line paste), only the short-paste rules can decide: the language shapes below
        // all need two lines, so they are not read.
        var oneLine = _shapeCandidates < 2;
        var index = 0;
        foreach (var raw in text.EnumerateLines())
        {
            var t = raw.Trim();
            if (t.IsEmpty)
            {
                continue;
            }

            if (t.Length <= MaxShapeLine)
            {
                if (oneLine)
                {
                    ShortPaste(raw, t, index);
                }
                else
                {
                    CountShapes(raw, t, index);
                }
            }
            else if (_longLogCandidates > 0 && (char.IsAsciiDigit(t[0]) || t[0] == '[') && StandaloneLines.LogLine(t))
            {
                _standaloneLines++;
            }

            index++;
        }

        if (_lispForms >= 1 && _lispLines >= 2 || _lispLines >= 3 || _fortranLines >= 2 || _asmInstructions >= 2 ||
            _asmInstructions >= 1 && _asmLines >= 2 || _mlLines >= 2 || _hclLines >= 2 || _cobolLines >= 2 ||
            _forthDefinitions >= 1 && _forthLines >= 2 || _forthLines >= 3 || _standaloneLines >= 1)
        {
            return CodeSignal.Source;
        }

        // A Dockerfile pasted from its middle (three instructions, no FROM); YAML whose nesting is environment keys or
        // quoted list items under an open key (compose files).
        if (_dockerLines >= 3 || _yamlExtra >= 1 && _yamlKeys + _yamlExtra >= 3 && _yamlNested + _yamlExtra >= 1 && _yamlValues + _yamlExtra >= 2)
        {
            return CodeSignal.Source;
        }

        // A short paste whose every line has code's shape: one line scoring two points ("text-align: center;",
        // "public interface Foo<T> {"), or two to four lines of which one scores two points or has a language's shape, or
        // YAML with nesting, a list or a quoted value ("kramdown:\n  input: Kramdown"), or one YAML line with a quoted or
        // bracketed value or a snake_case key ("stop_signal: SIGINT", "exclude: [vendor]").
        if (_lines <= ShortPasteLines && _shortShaped == _lines &&
            (_shortStrong >= 1 && (_lines >= 2 || _shortStrong == 1 && _shortYaml == 0) || _lines >= 2 && _shortYaml >= 1 && _shortYamlNested ||
             _lines == 1 && _shortYamlStrong))
        {
            return CodeSignal.Source;
        }

        var shapes = _structureLines + _lispLines + _fortranLines + _asmLines + _mlLines + _hclLines + _cobolLines;
        var score = (2 * CodeLines) + _onePointLines + shapes;
        return score >= 4 && shapes >= 2 && score * 2 >= _lines ? CodeSignal.Source : CodeSignal.None;
    }

    private void ShortPaste(ReadOnlySpan<char> raw, ReadOnlySpan<char> t, int index)
    {
        var standalone = StandaloneLines.Is(t);
        _standaloneLines += standalone ? 1 : 0;
        // Once one line was not of code's shape, the short-paste rule cannot hold: the later lines are not read for it.
        if (_lines <= ShortPasteLines && _shortShaped == index)
        {
            var points = index switch { 0 => _points0, 1 => _points1, 2 => _points2, _ => _points3 };
            ShortPasteLine(raw, t, standalone, points);
        }
    }

    private void CountShapes(ReadOnlySpan<char> raw, ReadOnlySpan<char> t, int index)
    {
        ShortPaste(raw, t, index);
        var lisp = LanguageShapes.Lisp(t);
        if (lisp > 0)
        {
            _lispLines++;
            _lispForms += lisp == 2 ? 1 : 0;
            return;
        }

        if (LanguageShapes.Fortran(raw, t))
        {
            _fortranLines++;
            return;
        }

        var asm = LanguageShapes.Assembly(t);
        if (asm > 0)
        {
            _asmLines++;
            _asmInstructions += asm == 2 ? 1 : 0;
            return;
        }

        if (LanguageShapes.MlFamily(t))
        {
            _mlLines++;
            return;
        }

        if (LanguageShapes.Hcl(t))
        {
            _hclLines++;
            return;
        }

        if (LanguageShapes.Cobol(t))
        {
            _cobolLines++;
            return;
        }

        var forth = LanguageShapes.Forth(t);
        if (forth > 0)
        {
            _forthLines++;
            _forthDefinitions += forth == 2 ? 1 : 0;
            return;
        }

        _structureLines += LanguageShapes.Structure(t) ? 1 : 0;
    }

    // One line of a short paste: two points or a language's shape make it strong; a YAML key, a nested key or a list item
    // under a key make it shaped; anything else (a sentence) leaves the paste to the other rules.
    private void ShortPasteLine(ReadOnlySpan<char> raw, ReadOnlySpan<char> t, bool standalone, int points)
    {
        if (standalone)
        {
            _shortShaped++;
            _shortStrong++;
            return;
        }

        // Words only ("done", "what is my balance") are never a short paste's line of code.
        if (!t.ContainsAnyExcept(StandaloneLines.PlainWordChars))
        {
            return;
        }

        var indent = raw.Length - raw.TrimStart().Length;
        var yaml = ShortYaml(t);
        if (yaml > 0)
        {
            _shortShaped++;
            _shortYaml++;
            _shortYamlNested |= indent > 0 && _shortYamlOpen || yaml == 3 || yaml == 4 && _shortYamlOpen;
            _shortYamlStrong |= yaml == 3;
            _shortYamlOpen = yaml == 2;
            return;
        }

        _shortYamlOpen = false;
        var last = t[^1];
        if (last is '.' or '?' or '!' && !t.EndsWith("..", StringComparison.Ordinal) || t.Contains(". ", StringComparison.Ordinal) && !t.Contains('(') && !t.Contains('"') ||
            t.Contains(". (", StringComparison.Ordinal))
        {
            return;
        }

        // A comment of C-family code ("// keep", "/** Returns the list */", " * @param x") goes with the code around it.
        if (t.StartsWith("//", StringComparison.Ordinal) || t.StartsWith("/*", StringComparison.Ordinal) || t.EndsWith("*/", StringComparison.Ordinal))
        {
            _shortShaped++;
            return;
        }

        // A run of five plain words is a sentence, whatever marks it carries ("... 'client = httpx.Client()' lifespan
        // styles. (#1800)"); a banner ("-----= Posted via ... =-----") is no statement either.
        if (PlainWordRun(t) >= 5 || t.Contains("----", StringComparison.Ordinal) || t.Contains("====", StringComparison.Ordinal))
        {
            return;
        }

        if (points >= 2 && !(last is not ';' and not '{' and not '}' and not ')' and not ',' and not ']' && PlainWordRun(t) >= 3) ||
            LanguageShapes.Hcl(t) || JsonKey(t) && last is ',' or '{' or '[')
        {
            _shortShaped++;
            _shortStrong++;
        }
        else if (LanguageShapes.Structure(t) && t.Length > 2)
        {
            // A structure line ("}", "self,", "-Wall") goes with a strong line but is none alone: "milk,", "-sigh" and
            // "about," are chat too. In a paste of two or more lines, one with a code mark before its last character
            // ("files=files,", "'a': 1,", "[0x20, 0x22],") is strong.
            _shortShaped++;
            _shortStrong += _lines >= 2 && t[..^1].ContainsAny(StructureMarks) || CodeAssignment(t) ? 1 : 0;
        }
    }

    // The longest run of consecutive words made of letters only ("as convenient accessor" is three), with at most one
    // capital, at its start.
    private static int PlainWordRun(ReadOnlySpan<char> t)
    {
        int run = 0, longest = 0;
        foreach (var range in t.Split(' '))
        {
            var word = t[range];
            var plain = word.Length > 0 && char.IsAsciiLetter(word[0]) && (word.Length == 1 || !word[1..].ContainsAnyExceptInRange('a', 'z'));
            run = plain ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    // "isMinifyEnabled = true", "this.shutdownServer = builder.shutdownServer", "$script:GitVersion = $version",
    // "repository = \"https://x\"": one name without spaces, " = ", and a name marked as code (a '.', '_', '$' or inner
    // capital) or a literal value (quoted, bracketed, true/false/null, a variable); "x = 5" stays a sum.
    private static bool CodeAssignment(ReadOnlySpan<char> t)
    {
        var eq = t.IndexOf(" = ", StringComparison.Ordinal);
        if (eq < 2)
        {
            return false;
        }

        var name = t[..eq].TrimEnd();
        var value = t[(eq + 3)..].Trim();
        if (name.Contains(' ') || value.IsEmpty)
        {
            return false;
        }

        var marked = name.IndexOfAny("._$:") >= 0 || name.Length > 2 && name[1..].ContainsAnyInRange('A', 'Z') && name.ContainsAnyInRange('a', 'z');
        return marked || value[0] is '"' or '\'' or '[' or '{' or '$' || value is "true" or "false" or "null" or "nil" or "None" or "True" or "False";
    }

    // 1: "key: value" with a lower-case key and a configuration value; 2: "key:" opening a block; 3: a quoted or
    // bracketed value ("exclude: [vendor]", "restart: \"no\""); 4: "- item" of a list (nested only under a "key:"); 0: not YAML.
    private static int ShortYaml(ReadOnlySpan<char> t)
    {
        if (t.StartsWith("- ", StringComparison.Ordinal))
        {
            var item = t[2..].Trim();
            return !item.IsEmpty && (item.IndexOf(' ') < 0 || item.Contains(": ", StringComparison.Ordinal) && ShortYaml(item) > 0) && item[^1] is not '.' and not '?' ? 4 : 0;
        }

        var end = 0;
        while (end < t.Length && (char.IsAsciiLetterLower(t[end]) || char.IsAsciiDigit(t[end]) || t[end] is '_' or '-' or '.' || end > 0 && char.IsAsciiLetterUpper(t[end])))
        {
            end++;
        }

        if (end == 0 || end >= t.Length || t[end] != ':' || !char.IsAsciiLetterLower(t[0]))
        {
            return 0;
        }

        var value = t[(end + 1)..];
        if (value.IsEmpty)
        {
            return 2;
        }

        value = value.Trim();
        if (t[end + 1] != ' ' || !IsConfigValue(value) || value[^1] is '.' or '?' or '!' or ',' or ';')
        {
            return 0;
        }

        // A snake_case key ("stop_signal: SIGINT") is configuration even alone; chat does not write one.
        return value[0] is '"' or '\'' or '[' or '{' || t[..end].Contains('_') ? 3 : 1;
    }

    /// <summary>Whether <paramref name="rest"/> (a line after "at ") is a stack frame (see IsFrame).</summary>
    internal static bool IsStackFrame(ReadOnlySpan<char> rest) => IsFrame(rest);

    /// <summary>Whether <paramref name="word"/> is one of the shell commands a line can open with.</summary>
    internal static bool IsCommand(ReadOnlySpan<char> word) => CommandSet.Contains(word);

    /// <summary>What the lines add up to once every line was read.</summary>
    public readonly CodeSignal Finish()
    {
        if (_frames >= 1 && _exceptionHeader)
        {
            return CodeSignal.StackTrace;
        }

        if (_commandLines >= 2)
        {
            return CodeSignal.ShellSession;
        }

        if (_jsonKeys >= 2 && _jsonBrace)
        {
            return CodeSignal.Config;
        }

        if ((_yamlKeys >= 3 && _yamlNested >= 1 && _yamlValues >= 2) || (_tomlSections >= 1 && _tomlKeys >= 1))
        {
            return CodeSignal.Config;
        }

        if (_markupLines >= 2)
        {
            return CodeSignal.Source;
        }

        return CodeSignal.None;
    }

    // Diffs, traces, shells, SQL, configuration and markup: the shapes that are not statement lines.
    private CodeSignal Structural(ReadOnlySpan<char> t, int indent)
    {
        switch (t[0])
        {
            case 'd' when t.StartsWith("diff --git ", StringComparison.Ordinal):
                return CodeSignal.Diff;
            case '@' when t.StartsWith("@@ -", StringComparison.Ordinal) && t[4..].IndexOf("@@", StringComparison.Ordinal) > 0 && char.IsAsciiDigit(t.Length > 4 ? t[4] : ' '):
                return CodeSignal.Diff;
            case '-' or '+' when t.StartsWith("--- a/", StringComparison.Ordinal) || t.StartsWith("+++ b/", StringComparison.Ordinal) ||
                t.StartsWith("--- ", StringComparison.Ordinal) && t.Contains('.') && !t[4..].Contains(' ') ||
                t.StartsWith("+++ ", StringComparison.Ordinal) && t.Contains('.') && !t[4..].Contains(' '):
                return ++_diffHeaders >= 2 ? CodeSignal.Diff : CodeSignal.None;
            case 'T' when t.StartsWith("Traceback (most recent call last)", StringComparison.Ordinal):
                return CodeSignal.StackTrace;
            case 'F' when t.StartsWith("File \"", StringComparison.Ordinal) && t.Contains("\", line ", StringComparison.Ordinal):
                return CodeSignal.StackTrace;
            case 'E' when t.StartsWith("Exception in thread \"", StringComparison.Ordinal):
                return CodeSignal.StackTrace;
            case 'g' when t.StartsWith("goroutine ", StringComparison.Ordinal) && t.Contains(" [", StringComparison.Ordinal):
                return CodeSignal.StackTrace;
            case 'a' when t.StartsWith("at ", StringComparison.Ordinal) && IsFrame(t[3..]):
                _frames++;
                return _frames >= 2 || _exceptionHeader ? CodeSignal.StackTrace : CodeSignal.None;
            case 'C' when t.StartsWith("Caused by: ", StringComparison.Ordinal):
                _exceptionHeader = true;
                return _frames >= 1 ? CodeSignal.StackTrace : CodeSignal.None;
            case 'p' when t.StartsWith("panic: ", StringComparison.Ordinal):
                _exceptionHeader = true;
                return CodeSignal.None;
            case '$' when t.Length > 2 && t[1] == ' ' && (char.IsAsciiLetter(t[2]) || t[2] is '.' or '/' or '~'):
                return CodeSignal.ShellSession;
            case '>' when t.StartsWith(">>> ", StringComparison.Ordinal) && t.Length > 4:
                return CodeSignal.Source;
            case 'P' when t.StartsWith("PS C:\\", StringComparison.Ordinal) || t.StartsWith("PS /", StringComparison.Ordinal):
                return CodeSignal.ShellSession;
            case 'C' when t.StartsWith("C:\\>", StringComparison.Ordinal):
                return CodeSignal.ShellSession;
            case 'a' when t.StartsWith("apiVersion:", StringComparison.Ordinal):
                return ++_k8sKeys >= 2 ? CodeSignal.Config : CodeSignal.None;
            case 'k' when t.StartsWith("kind:", StringComparison.Ordinal):
                return ++_k8sKeys >= 2 ? CodeSignal.Config : CodeSignal.None;
            case '<':
                if (IsMarkup(t))
                {
                    _markupLines++;
                    return _markupLines >= 2 ? CodeSignal.Source : CodeSignal.None;
                }

                break;
            case '{' or '[' when t.Length <= 2 || t[1] == '"':
                _jsonBrace = true;
                _jsonKeys += t.Length > 1 ? JsonKeysInLine(t) : 0;
                return _jsonKeys >= 2 && t.Length > 2 ? CodeSignal.Config : CodeSignal.None;
            case '"' when JsonKey(t):
                _jsonKeys++;
                return _jsonKeys >= 3 ? CodeSignal.Config : CodeSignal.None;
            case '[' when TomlSection(t):
                _tomlSections++;
                return CodeSignal.None;
            default:
                break;
        }

        if (ShellPromptLine(t))
        {
            return CodeSignal.ShellSession;
        }

        if (ExceptionHeader(t) || ExceptionNameInLine(t) || TestRunnerLine(t))
        {
            return CodeSignal.StackTrace;
        }

        if (DockerStarts.Contains(t[0]))
        {
            foreach (var instruction in DockerInstructions)
            {
                if (t.StartsWith(instruction, StringComparison.Ordinal))
                {
                    _dockerLines++;
                    _dockerFrom |= instruction == "FROM ";
                    return _dockerLines >= 2 && _dockerFrom ? CodeSignal.Config : CodeSignal.None;
                }
            }
        }

        if (SqlLine(t))
        {
            return CodeSignal.Sql;
        }

        var command = CommandLine(t);
        if (command == 2 || (command == 0 && t.Contains(" -", StringComparison.Ordinal) && InlineCommandWithFlag(t)))
        {
            return CodeSignal.ShellSession;
        }

        if (command == 1)
        {
            _commandLines++;
        }

        YamlOrToml(t, indent);
        return CodeSignal.None;
    }

    // "user@host:~/src$ make" or "root@box:/# ls".
    private static bool ShellPromptLine(ReadOnlySpan<char> t)
    {
        var at = t.IndexOf('@');
        if (at <= 0 || at > 40)
        {
            return false;
        }

        var prompt = t[at..].IndexOfAny("$#");
        if (prompt < 0 || at + prompt + 1 >= t.Length || t[at + prompt + 1] != ' ')
        {
            return false;
        }

        var host = t[(at + 1)..(at + prompt)];
        return host.Contains(':') && !host.Contains(' ') && !t[..at].Contains(' ');
    }

    // "TypeError: x is undefined", "java.lang.IllegalStateException: boom", "System.NullReferenceException: ...",
    // "Unhandled exception. System.Exception": a compound identifier ending in Error or Exception, then ':' or end.
    private static bool ExceptionHeader(ReadOnlySpan<char> t)
    {
        if (t.StartsWith("Unhandled exception.", StringComparison.Ordinal) || t.StartsWith("Uncaught ", StringComparison.Ordinal) && t.Contains("Error", StringComparison.Ordinal))
        {
            return true;
        }

        var end = 0;
        while (end < t.Length && end < 120 && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '.' or '_' or '$'))
        {
            end++;
        }

        if (end == t.Length || t[end] != ':')
        {
            return false;
        }

        var name = t[..end];
        var suffix = name.EndsWith("Exception", StringComparison.Ordinal) ? 9 : name.EndsWith("Error", StringComparison.Ordinal) ? 5 : 0;
        return suffix > 0 && name.Length > suffix && char.IsAsciiLetterUpper(name[name.Length - suffix]) && name.Length >= suffix + 2;
    }

    // "... got TypeError: x is not a function", "FAILED a.py::t - AssertionError: ...": a compound exception name followed
    // by ':' anywhere in the line.
    private static bool ExceptionNameInLine(ReadOnlySpan<char> t) =>
        t.ContainsAny(ExceptionSuffixes) && (HasCompoundName(t, "Error:") || HasCompoundName(t, "Exception"));

    // The suffixes ExceptionNameInLine looks for (keep in step with it): one search for both rules most lines out.
    private static readonly SearchValues<string> ExceptionSuffixes = SearchValues.Create(["Error:", "Exception"], StringComparison.Ordinal);

    // A compound name right before the suffix ("Type" in "TypeError:", "java.lang.IllegalState" in
    // "...IllegalStateException"): prose writes "Error:" or "exception" alone.
    private static bool HasCompoundName(ReadOnlySpan<char> t, string suffix)
    {
        var position = 0;
        while (position < t.Length)
        {
            var found = t[position..].IndexOf(suffix, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            var at = position + found;
            position = at + suffix.Length;
            var start = at;
            while (start > 0 && at - start < MaxTokenScan && (char.IsAsciiLetterOrDigit(t[start - 1]) || t[start - 1] is '.' or '_'))
            {
                start--;
            }

            var prefix = t[start..at];
            if (prefix.Length >= 2 && char.IsAsciiLetter(prefix[^1]) && (char.IsAsciiLetterUpper(prefix[0]) || prefix.Contains('.')))
            {
                return true;
            }
        }

        return false;
    }

    // pytest / go test / jest result lines: "FAILED tests/x.py::test_y", "--- FAIL: TestX (0.00s)", "FAIL src/a.test.ts".
    private static bool TestRunnerLine(ReadOnlySpan<char> t) =>
        (t.StartsWith("FAILED ", StringComparison.Ordinal) || t.StartsWith("ERROR ", StringComparison.Ordinal) || t.StartsWith("PASSED ", StringComparison.Ordinal)) && t.Contains("::", StringComparison.Ordinal) ||
        t.StartsWith("--- FAIL: ", StringComparison.Ordinal) || t.StartsWith("--- PASS: ", StringComparison.Ordinal);

    // A frame after "at ": "com.x.Foo.bar(Foo.java:12)", "Ns.Type.Method() in /src/x.cs:line 4", "foo (/app/x.js:10:5)",
    // "/app/x.js:10:5", "Object.<anonymous> (x.js:1:1)": a first token with '.', '/' or '<' and a ':' plus digit or "line".
    private static bool IsFrame(ReadOnlySpan<char> rest)
    {
        var tokenEnd = rest.IndexOfAny(' ', '(');
        var token = tokenEnd < 0 ? rest : rest[..tokenEnd];
        if (token.IsEmpty || token.IndexOfAny("./<\\") < 0)
        {
            return false;
        }

        var colon = rest.LastIndexOf(':');
        return colon > 0 && colon + 1 < rest.Length && (char.IsAsciiDigit(rest[colon + 1]) || rest[(colon + 1)..].StartsWith("line", StringComparison.Ordinal));
    }

    private static bool IsMarkup(ReadOnlySpan<char> t)
    {
        if (t.StartsWith("<!--", StringComparison.Ordinal))
        {
            return true;
        }

        var name = t[1..];
        if (name.Length > 0 && name[0] == '/')
        {
            name = name[1..];
        }

        var end = 0;
        while (end < name.Length && (char.IsAsciiLetterOrDigit(name[end]) || name[end] is '-' or ':' or '.'))
        {
            end++;
        }

        return end > 0 && char.IsAsciiLetter(name[0]) && end < name.Length && name[end] is '>' or ' ' or '/' && t.Contains('>');
    }

    // "\"key\": value" with an identifier-like key.
    private static bool JsonKey(ReadOnlySpan<char> t)
    {
        if (t.Length < 4 || t[0] != '"')
        {
            return false;
        }

        var close = t[1..].IndexOf('"');
        if (close <= 0 || close > 60)
        {
            return false;
        }

        var key = t.Slice(1, close);
        if (key.Contains(' '))
        {
            return false;
        }

        var after = t[(close + 2)..].TrimStart();
        return after.Length > 0 && after[0] == ':';
    }

    private static bool TomlSection(ReadOnlySpan<char> t)
    {
        var inner = t.Trim('[').TrimEnd(']');
        if (inner.IsEmpty || t[^1] != ']' || inner.Length > 60 || !char.IsAsciiLetterLower(inner[0]))
        {
            return false;
        }

        foreach (var c in inner)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '"'))
            {
                return false;
            }
        }

        return true;
    }

    // SQL statement openers at a line start in any case, with the shape that separates them from prose.
    private static bool SqlLine(ReadOnlySpan<char> t)
    {
        if (t.StartsWith("select ", StringComparison.OrdinalIgnoreCase))
        {
            var from = t.IndexOf(" from ", StringComparison.OrdinalIgnoreCase);
            return from > 0 && (t.Contains('*') || t[..from].Contains(',') || t.Contains(" where ", StringComparison.OrdinalIgnoreCase) ||
                t.Contains(" join ", StringComparison.OrdinalIgnoreCase) || t.EndsWith(";", StringComparison.Ordinal) || t.Contains(" group by ", StringComparison.OrdinalIgnoreCase));
        }

        return (t.StartsWith("insert into ", StringComparison.OrdinalIgnoreCase) && t.Contains(" values", StringComparison.OrdinalIgnoreCase)) ||
            (t.StartsWith("create table ", StringComparison.OrdinalIgnoreCase) && t.Contains('(')) ||
            (t.StartsWith("update ", StringComparison.OrdinalIgnoreCase) && t.Contains(" set ", StringComparison.OrdinalIgnoreCase) && t.Contains('=') && t.Contains(" where ", StringComparison.OrdinalIgnoreCase)) ||
            (t.StartsWith("delete from ", StringComparison.OrdinalIgnoreCase) && t.Contains(" where ", StringComparison.OrdinalIgnoreCase));
    }

    // 0: not a command; 1: a known command and an argument; 2: one with a flag, a pipe or a redirect.
    private static int CommandLine(ReadOnlySpan<char> t)
    {
        var space = t.IndexOf(' ');
        if (space <= 0 || space + 1 >= t.Length)
        {
            return 0;
        }

        if (!CommandSet.Contains(t[..space]))
        {
            return 0;
        }

        var args = t[(space + 1)..];
        if (args[0] == '-' || args.Contains(" -", StringComparison.Ordinal) || args.Contains(" | ", StringComparison.Ordinal) || args.Contains(" > ", StringComparison.Ordinal) ||
            args.Contains(" && ", StringComparison.Ordinal))
        {
            return 2;
        }

        // "git status", "npm install express", "cd src/": lower-case or path arguments, no sentence punctuation.
        var last = t[^1];
        return char.IsAsciiLetterLower(args[0]) || args[0] is '.' or '/' or '~' ? (last is '.' or '?' or '!' or ',' ? 0 : 1) : 0;
    }

    // YAML "key: value" (lower-case identifier keys, config-like values), nesting under "key:"; TOML "key = value".
    private void YamlOrToml(ReadOnlySpan<char> t, int indent)
    {
        var body = t.StartsWith("- ", StringComparison.Ordinal) ? t[2..] : t;
        var extraRun = _yamlExtraRun;
        _yamlExtraRun = false;
        if (indent > 0 && (_yamlBlockOpen || extraRun) && !body.IsEmpty && (body.Length < t.Length && body[0] is '"' or '\'' || char.IsAsciiLetterUpper(body[0])) && NestedYamlValue(body, body.Length < t.Length))
        {
            // Under an open "key:": a quoted list item (- "25565:25565") or an environment-style key (PORT: 8000). Counted
            // apart and read only by Shapes, so the verdicts of the rules before it stay as they were.
            _yamlExtra++;
            _yamlExtraRun = true;
            _yamlBlockOpen = false;
            return;
        }

        if (body.IsEmpty || !char.IsAsciiLetterLower(body[0]))
        {
            _yamlBlockOpen = false;
            return;
        }

        var end = 0;
        while (end < body.Length && (char.IsAsciiLetterOrDigit(body[end]) || body[end] is '_' or '-' or '.'))
        {
            end++;
        }

        if (end == body.Length)
        {
            return;
        }

        if (body[end] == ':')
        {
            var value = body[(end + 1)..].Trim();
            if (value.IsEmpty)
            {
                _yamlKeys++;
                _yamlBlockOpen = true;
                return;
            }

            if (end + 1 < body.Length && body[end + 1] != ' ')
            {
                return;
            }

            _yamlKeys++;
            if (indent > 0 && _yamlBlockOpen)
            {
                _yamlNested++;
            }

            if (IsConfigValue(value))
            {
                _yamlValues++;
            }

            return;
        }

        var rest = body[end..].TrimStart();
        if (rest.StartsWith("= ", StringComparison.Ordinal) && IsConfigValue(rest[2..].Trim()) && rest[2..].Trim() is var v && (v[0] is '"' or '[' || v.SequenceEqual("true") || v.SequenceEqual("false")))
        {
            _tomlKeys++;
        }
    }

    // "\"25565:25565\"" (a list item) or "PORT: 8000", "EULA: \"TRUE\"" (an upper-case key and a configuration value).
    private static bool NestedYamlValue(ReadOnlySpan<char> body, bool item)
    {
        if (item)
        {
            return body.Length >= 3 && body[^1] == body[0] && !body[1..^1].Contains(' ');
        }

        var end = 0;
        while (end < body.Length && (char.IsAsciiLetterUpper(body[end]) || char.IsAsciiDigit(body[end]) || body[end] == '_'))
        {
            end++;
        }

        return end >= 2 && end + 2 < body.Length && body[end] == ':' && body[end + 1] == ' ' && IsConfigValue(body[(end + 2)..].Trim()) && !body[(end + 2)..].Trim().Contains(' ');
    }

    // A value that reads like configuration rather than prose: no inner space, or quoted, or a list/map literal.
    private static bool IsConfigValue(ReadOnlySpan<char> value) =>
        !value.IsEmpty && (!value.Contains(' ') || value[0] is '"' or '\'' or '[' or '{');

    // Points for one line looking like a statement: a keyword opener, a statement ending, operators, a method call,
    // symbol density. Two points make a code line; three decide on their own.
    private static int LinePoints(ReadOnlySpan<char> t)
    {
        var points = 0;
        if (KeywordOpener(t))
        {
            points++;
        }

        var last = t[^1];
        if (last is ';' or '{' or '}' || t.EndsWith("):", StringComparison.Ordinal) || t.EndsWith("=>", StringComparison.Ordinal) ||
            (last == ':' && points > 0 && t.Contains('(')))
        {
            points++;
        }

        // Operators, arrows and Ruby blocks each need a string that holds one of OperatorsArrowsOrBlocks' characters.
        var operatorLike = t.ContainsAny(OperatorsArrowsOrBlocks);
        if (operatorLike && t.ContainsAny(Operators))
        {
            points++;
        }

        if (operatorLike && t.ContainsAny(Arrows))
        {
            points++;
        }

        if (operatorLike && RubyBlock(t))
        {
            points++;
        }

        if (CssDeclaration(t))
        {
            points++;
        }

        if (MemberAccess(t))
        {
            points++;
        }

        if (MethodCall(t))
        {
            points++;
        }

        if (t.Length >= 8)
        {
            var symbols = 0;
            var rest = t;
            var found = rest.IndexOfAny(CodeSymbols);
            while (found >= 0)
            {
                symbols++;
                rest = rest[(found + 1)..];
                found = rest.IndexOfAny(CodeSymbols);
            }

            if (symbols * 8 >= t.Length)
            {
                points++;
            }
        }

        return points;
    }

    // A CSS declaration on its own line: "display: table;", "margin-left: 0 !important;", "*zoom: 1;" (a lower-case
    // property, a colon and a space, a value, a closing ';'). Its ';' already counts once; the shape counts again.
    private static bool CssDeclaration(ReadOnlySpan<char> t)
    {
        var name = t.Length > 1 && t[0] is '*' or '-' ? t[1..] : t;
        var end = 0;
        while (end < name.Length && (char.IsAsciiLetterLower(name[end]) || name[end] == '-'))
        {
            end++;
        }

        return end >= 3 && end + 2 < name.Length && name[end] == ':' && name[end + 1] == ' ' && t[^1] == ';' && !name[(end + 2)..].Contains(": ", StringComparison.Ordinal);
    }

    private static bool KeywordOpener(ReadOnlySpan<char> t)
    {
        // Every keyword starts with a lower-case letter, '@' or '#'; a word keyword must be the line's first word.
        if (!char.IsAsciiLetterLower(t[0]) && t[0] is not '@' and not '#')
        {
            return false;
        }

        var wordEnd = 0;
        while (wordEnd < t.Length && char.IsAsciiLetter(t[wordEnd]))
        {
            wordEnd++;
        }

        if (char.IsAsciiLetterLower(t[0]) && !KeywordSet.Contains(t[..wordEnd]) && !(wordEnd < t.Length && t[wordEnd] == '.'))
        {
            return false;
        }

        foreach (var keyword in Keywords)
        {
            if (t.StartsWith(keyword, StringComparison.Ordinal))
            {
                if (keyword[^1] is '.' or '@' or '#')
                {
                    return keyword != "#" || (t.Length > 1 && char.IsAsciiLetterLower(t[1]));
                }

                if (t.Length == keyword.Length)
                {
                    return keyword is "end" or "else" or "try";
                }

                var next = t[keyword.Length];
                if (next is ' ' or '(' or ':' or '<' or '{')
                {
                    return true;
                }
            }
        }

        return false;
    }

    // "obj.method(", "snake_case(", "camelCase(": an identifier with '.', '_' or an inner capital right before '('.
    private static bool MethodCall(ReadOnlySpan<char> t)
    {
        var position = 0;
        while (position < t.Length)
        {
            var found = t[position..].IndexOf('(');
            if (found < 0)
            {
                return false;
            }

            var at = position + found;
            var start = at;
            var marked = false;
            while (start > 0 && at - start < MaxTokenScan && (char.IsAsciiLetterOrDigit(t[start - 1]) || t[start - 1] is '_' or '.'))
            {
                start--;
                var c = t[start];
                marked |= c is '_' or '.' || (char.IsAsciiLetterUpper(c) && start > 0 && char.IsAsciiLetterLower(t[start - 1]));
            }

            var chained = t[start] == '.' && start > 0 && t[start - 1] is ')' or ']' or '}';
            if (at - start >= 3 && marked && (t[start] != '.' || chained) && t[at - 1] != '.')
            {
                return true;
            }

            position = at + 1;
        }

        return false;
    }

    // "{ |u| ...", "do |row|": a Ruby block's parameters.
    private static bool RubyBlock(ReadOnlySpan<char> t)
    {
        // Its openers are RubyBlockOpeners (LinePoints asks this only for a line that holds one of them).
        var at = t.IndexOf("{ |", StringComparison.Ordinal);
        var skip = 3;
        if (at < 0)
        {
            at = t.IndexOf("do |", StringComparison.Ordinal);
            skip = 4;
        }

        if (at < 0)
        {
            return false;
        }

        var rest = t[(at + skip)..];
        var close = rest.IndexOf('|');
        return close > 0 && close < 40 && !rest[..close].Contains("  ", StringComparison.Ordinal) && char.IsAsciiLetter(rest[0]);
    }

    // "c.BaseAddress", "services.AddHttpClient", "System.out": a lower-case name, a dot and a capitalised member, no
    // space around the dot (prose puts a space after a full stop; "e.g." and "U.S." do not match).
    private static bool MemberAccess(ReadOnlySpan<char> t)
    {
        // Only a '.' with a capital after it can start the shape (and not one at the line's start): go from one to the next
        // (vectorized) instead of testing every character. A '.' without a capital after it fails the test below, and
        // one at the line's last two positions ends the search there, as every later one would.
        foreach (var i in CharPositions.BeforeCapital(t, '.'))
        {
            if (i == 0)
            {
                continue;
            }

            if (i + 2 >= t.Length)
            {
                return false;
            }

            if (char.IsAsciiLetterLower(t[i - 1]) && char.IsAsciiLetterUpper(t[i + 1]) && char.IsAsciiLetterLower(t[i + 2]) &&
                (i < 2 || t[i - 2] != '.'))
            {
                // Not inside a URL or an e-mail address.
                var start = i - 1;
                while (start > 0 && i - start < MaxTokenScan && !char.IsWhiteSpace(t[start - 1]))
                {
                    start--;
                }

                var token = t[start..i];
                if (token.IndexOfAny('/', '@') < 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // A distinctive command inside a sentence, with a flag ("-x", "--yes") before the sentence ends.
    private static bool InlineCommandWithFlag(ReadOnlySpan<char> t)
    {
        foreach (var command in InlineCommands)
        {
            var position = 0;
            while (position < t.Length)
            {
                var found = t[position..].IndexOf(command, StringComparison.Ordinal);
                if (found < 0)
                {
                    break;
                }

                var at = position + found;
                position = at + command.Length;
                if (at > 0 && !char.IsWhiteSpace(t[at - 1]) && t[at - 1] is not '`' and not '(' and not '"' and not '\'')
                {
                    continue;
                }

                var rest = t.Slice(position, Math.Min(80, t.Length - position));
                var end = rest.IndexOfAny(".?!\n");
                var clause = end < 0 ? rest : rest[..end];
                for (var j = 0; j + 1 < clause.Length; j++)
                {
                    if (clause[j] == '-' && (j == 0 || clause[j - 1] == ' ') && (char.IsAsciiLetter(clause[j + 1]) || (clause[j + 1] == '-' && j + 2 < clause.Length && char.IsAsciiLetter(clause[j + 2]))))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    // '{"a": 1, "b": 2}' on one line: "key": pairs counted along the line.
    private static int JsonKeysInLine(ReadOnlySpan<char> t)
    {
        var keys = 0;
        var position = 0;
        while (position < t.Length && keys < 3)
        {
            var found = t[position..].IndexOf("\":", StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            var at = position + found;
            position = at + 2;
            var open = t[..at].LastIndexOf('"');
            if (open >= 0 && at - open <= 60 && !t[(open + 1)..at].Contains(' '))
            {
                keys++;
            }
        }

        return keys;
    }

    // One point for a source file name ("src/app.py", "Program.cs"), one for an inline span with code in it.
    private static int WeakEvidence(ReadOnlySpan<char> t)
    {
        var points = 0;
        var tick = t.IndexOf('`');
        if (tick >= 0)
        {
            var close = t[(tick + 1)..].IndexOf('`');
            if (close > 0 && close < 200 && t.Slice(tick + 1, close).ContainsAny(CodeSymbols) || (close > 0 && close < 200 && t.Slice(tick + 1, close).IndexOfAny("._:") >= 0))
            {
                points++;
            }
        }

        return points + SourceFileNames(t) + (HasCodeIdentifier(t) ? 1 : 0);
    }

    // snake_case or camelCase words ("node_modules", "parseFlags", "user_id") outside URLs and e-mail addresses. A word is
    // a maximal run of letters, digits and '_' that starts with a letter and does not follow '@', '/', '.' or '#'; only a
    // '_' or a capital inside it can mark it, so the search jumps between those (vectorized) and reads each word once.
    private static bool HasCodeIdentifier(ReadOnlySpan<char> t)
    {
        // from: where the last word read ended (no word is read twice); search: where the next mark is looked for.
        var from = 0;
        var search = 0;
        // The marks ('_', or a capital right after a lower-case letter; a capital after anything else is passed over
        // below) are visited in order; one before `search` lies inside a word already read.
        foreach (var mark in CharPositions.OfIdentifierMarks(t))
        {
            if (mark < search)
            {
                continue;
            }

            var start = mark;
            search = start + 1;

            // A capital marks its word only right after lower-case letters ("parseFlags"); a capital after anything else
            // ("The", "Tuesday", "HTTP") cannot, and a '_' or such a capital later in the same word is found on its own
            // (the word is then read from its start, which lies at or after `from`).
            if (t[start] != '_' && (start == 0 || !char.IsAsciiLetterLower(t[start - 1])))
            {
                continue;
            }

            while (start > from && IsWordChar(t[start - 1]))
            {
                start--;
            }

            var end = start;
            var lowerRun = 0;
            var marked = false;
            while (end < t.Length && IsWordChar(t[end]))
            {
                var c = t[end];
                if (c == '_' && end > start && end + 1 < t.Length && char.IsAsciiLetter(t[end + 1]))
                {
                    marked = true;
                }
                else if (char.IsAsciiLetterUpper(c) && lowerRun >= 2 && char.IsAsciiLetterLower(t[start]))
                {
                    marked = true;
                }

                lowerRun = char.IsAsciiLetterLower(c) ? lowerRun + 1 : 0;
                end++;
            }

            var isWord = char.IsAsciiLetter(t[start]) && (start == 0 || t[start - 1] is not '@' and not '/' and not '.' and not '#');
            if (isWord && marked && (end >= t.Length || t[end] is not '@' and not '.' || end + 1 >= t.Length || !char.IsAsciiLetter(t[end + 1])))
            {
                return true;
            }

            from = Math.Max(end, start + 1);
            search = Math.Max(search, from);
        }

        return false;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static int SourceFileNames(ReadOnlySpan<char> t)
    {
        var count = 0;

        // A '.' with no letter or digit after it has an empty extension and is passed over below: only the others are visited.
        foreach (var at in CharPositions.BeforeLetterOrDigit(t, '.'))
        {
            if (at == 0 || !(char.IsAsciiLetterOrDigit(t[at - 1]) || t[at - 1] is '_' or '-'))
            {
                continue;
            }

            var extEnd = at + 1;
            while (extEnd < t.Length && extEnd - at <= 12 && char.IsAsciiLetterOrDigit(t[extEnd]))
            {
                extEnd++;
            }

            if (extEnd < t.Length && (char.IsAsciiLetterOrDigit(t[extEnd]) || t[extEnd] is '/' or '@' or '-' or '_' || (t[extEnd] == '.' && extEnd + 1 < t.Length && char.IsAsciiLetter(t[extEnd + 1]))))
            {
                continue;
            }

            // "8 a.m. and", "e.g. this": a one-letter stem, a short extension and a period are an abbreviation.
            if (extEnd < t.Length && t[extEnd] == '.' && extEnd - at <= 3 && (at == 1 || !char.IsAsciiLetterOrDigit(t[at - 2])))
            {
                continue;
            }

            var ext = t[(at + 1)..extEnd];
            if (ext.IsEmpty || !IsSourceExtension(ext))
            {
                continue;
            }

            var start = at;
            while (start > 0 && at - start < MaxTokenScan && !char.IsWhiteSpace(t[start - 1]) && t[start - 1] is not '(' and not '"' and not '\'' and not '`')
            {
                start--;
            }

            var token = t[start..extEnd];
            if (token.Contains("://", StringComparison.Ordinal) || token.Contains('@') || IsFrameworkName(token))
            {
                continue;
            }

            if (++count >= 2)
            {
                return count;
            }
        }

        return count;
    }

    private static bool IsSourceExtension(ReadOnlySpan<char> ext) => ExtensionSet.Contains(ext);

    private static bool IsFrameworkName(ReadOnlySpan<char> token)
    {
        foreach (var name in NotFiles)
        {
            if (token.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
