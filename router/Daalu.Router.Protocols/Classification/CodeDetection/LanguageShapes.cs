using System.Buffers;
using System.Collections.Frozen;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Line shapes of languages whose lines carry few of the statement marks <see cref="LineScanner"/> scores (issue 18,
/// written against the development set of hack/classifier/dev, never against held-out sets C-G): Lisp-family
/// forms, Fortran (fixed form and free form), assembler instructions, ML-family definitions and pattern arms, Terraform,
/// COBOL and Forth, and the lines code has and prose does not (closing brackets alone, data literals,
/// <c>key: value,</c> fields, declarations, block ends).
/// Each test reads one trimmed line once; none decides alone: <see cref="LineScanner"/> counts them and asks for two or
/// more of a kind.
/// </summary>
internal static class LanguageShapes
{
    // Heads of Lisp forms that open a definition or a test: one such line and one other Lisp line decide.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> LispHeads = new[]
    {
        "defn", "defn-", "defun", "define", "defmacro", "defvar", "defparameter", "defstruct", "defclass", "defmethod",
        "defprotocol", "defrecord", "defmulti", "deftest", "def", "ns", "in-package", "defpackage", "let", "let*",
        "letrec", "lambda", "fn", "cond", "if", "when", "unless", "case", "loop", "require", "provide", "import",
        "test-equal?", "check-equal?", "test-case", "test-success", "is", "testing", "setq", "setf", "progn", "begin",
        "struct", "module", "->", "->>", "do", "doseq", "for", "map", "apply", "list", "cons", "car", "cdr", "format",
        "println", "str", "and", "or", "not", "=", "+", "-", "*", "/", "<", ">", "<=", ">=", "eq?", "equal?", "eql",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Fortran statements, both forms, matched case-insensitively against the start of a line.
    private static readonly string[] FortranOpeners =
    [
        "call ", "go to ", "goto ", "end if", "endif", "end do", "enddo", "end subroutine", "end function", "end module",
        "end program", "implicit none", "subroutine ", "integer ", "integer,", "integer(", "real ", "real(", "real,",
        "double precision", "logical ", "logical,", "complex ", "character(", "character*", "character ", "parameter (",
        "parameter(", "external ", "intrinsic ", "common /", "dimension ", "data ", "return", "continue", "stop",
        "program ", "module ", "use ", "contains", "end", "else if", "elseif", "else", "do ", "if (", "if(", "print *",
        "write (", "write(", "read (", "read(", "format(", "format (", "allocate(", "deallocate(", "select case",
        "case (", "case default", "end select", "function ", "pure ", "elemental ", "recursive ", "type(", "type ::",
        "end type", "interface", "end interface",
    ];

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> FortranFirstWords = FortranOpeners
        .Select(o => new string(o.TakeWhile(char.IsAsciiLetter).ToArray()))
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Fortran's dotted operators and literals: prose does not write ".eq." or ".true.".
    private static readonly SearchValues<string> FortranDots = SearchValues.Create(
        [".eq.", ".ne.", ".gt.", ".lt.", ".ge.", ".le.", ".and.", ".or.", ".not.", ".true.", ".false.", ".eqv."],
        StringComparison.OrdinalIgnoreCase);

    // Assembler mnemonics of x86, ARM and MIPS that a line of prose does not start with followed by a register.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Mnemonics = new[]
    {
        "mov", "movq", "movl", "movb", "movw", "movzx", "movsx", "movsxd", "movabs", "lea", "leaq", "add", "addq", "addl", "sub",
        "subq", "subl", "mul", "imul", "div", "idiv", "inc", "dec", "neg", "and", "or", "xor", "not", "shl", "shr", "sal", "sar",
        "rol", "ror", "cmp", "cmpq", "cmpl", "test", "testq", "jmp", "je", "jne", "jz", "jnz", "jg", "jge", "jl", "jle", "ja",
        "jae", "jb", "jbe", "js", "jns", "call", "callq", "push", "pushq", "pop", "popq", "int", "cmove", "cmovne", "cmovl",
        "cmovg", "sete", "setne", "setl", "setg", "cqo", "cdq", "xchg", "lodsb", "stosb", "rep", "outb", "inb", "lgdt", "lidt",
        "ljmp", "ldr", "ldrb", "ldrh", "ldrsw", "str", "strb", "strh", "ldp", "stp", "ldur", "stur", "udiv", "sdiv", "msub",
        "madd", "cmn", "b", "bl", "br", "blr", "bx", "beq", "bne", "blt", "bgt", "ble", "bge", "bhs", "blo", "bhi", "bls",
        "b.eq", "b.ne", "b.lt", "b.gt", "b.le", "b.ge", "b.hs", "b.lo", "b.hi", "b.ls", "cbz", "cbnz", "tbz", "tbnz", "movk",
        "movz", "mvn", "lsl", "lsr", "asr", "orr", "eor", "adr", "adrp", "csel", "cset", "csinc", "svc", "li", "la", "lw",
        "sw", "lb", "lbu", "sb", "lh", "sh", "addi", "addiu", "addu", "subu", "move", "beqz", "bnez", "bltz", "bgez", "blez",
        "bgtz", "j", "jal", "jr", "jalr", "slt", "slti", "sltu", "sll", "srl", "sra", "mult", "multu", "mflo", "mfhi", "lui",
        "andi", "ori", "xori", "nor", "rem", "remu",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Registers = new[]
    {
        "eax", "ebx", "ecx", "edx", "esi", "edi", "esp", "ebp", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "rip",
        "ax", "bx", "cx", "dx", "al", "ah", "bl", "bh", "cl", "ch", "dl", "dh", "si", "di", "sp", "bp", "cs", "ds", "es", "ss",
        "fs", "gs", "lr", "pc", "fp", "xzr", "wzr", "zero", "ra", "gp", "cr0", "cr3", "sil", "dil",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Lines that close or continue a block and nothing else.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> BlockWords = new[]
    {
        "end", "else", "fi", "done", "esac", "then", "begin", "end if", "end do", "endif", "enddo", "end;", "end.", "end)",
        "end,", "else:", "try:", "finally:", "except:", "pass", "break", "continue;", "break;", "return;", "ret", "nop",
        "private", "protected:", "public:", "private:", "contains", "where", "in", "do", "of", "with", "})", "end}",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Characters an upper-case fixed-form assignment does not hold (strings, sentence ends, other languages' blocks).
    private static readonly SearchValues<char> NotFixedForm = SearchValues.Create("\"'?!;{}");

    private static readonly SearchValues<char> ExpressionMarks = SearchValues.Create("+-*/<>=&|%");

    private static readonly SearchValues<char> Closers = SearchValues.Create(")]};,>:");

    /// <summary>A Lisp form: "(defn f", "(is (= 1 x))", "'(1 2 3)", "#(inc %)"; 2 when its head names a definition, a
    /// binding or a test, 1 for another form or a line closing several forms ("prisoner-awake?))"), 0 otherwise.</summary>
    public static int Lisp(ReadOnlySpan<char> t)
    {
        var form = t[0] is '\'' or '#' or '`' && t.Length > 1 && t[1] == '(' ? t[1..] : t;
        if (form.Length >= 3 && form[0] == '(')
        {
            var head = form[1..];
            var end = 0;
            while (end < head.Length && IsLispSymbolChar(head[end]))
            {
                end++;
            }

            var name = head[..end];
            var next = end < head.Length ? head[end] : ' ';
            if (name.Length >= 1 && next is ' ' or '(' or ')' or '[' or '"' && !char.IsAsciiLetterUpper(name[0]) && !char.IsAsciiDigit(name[0]))
            {
                if (LispHeads.Contains(name) || name.StartsWith("def", StringComparison.Ordinal) || name.Contains('-') || name.Contains('?') || name.Contains('/'))
                {
                    return 2;
                }

                // Another form: nested parentheses or a closing run, which prose's "(see above)" does not have.
                return t.EndsWith("))", StringComparison.Ordinal) || form[1] == '(' || t.Count('(') >= 2 ? 1 : 0;
            }

            // "((char< a b) :less)", "([a b] ...)": a form that starts with a form or a vector.
            if (head.Length > 0 && head[0] is '(' or '[' && t.EndsWith(")", StringComparison.Ordinal))
            {
                return 1;
            }
        }

        // ";; Define the body here": Lisp's comment.
        if (t.StartsWith(";;", StringComparison.Ordinal))
        {
            return 1;
        }

        // A continuation line that closes two or more forms: "prisoner-awake?))", "(t :no-size)))".
        return t.Length >= 3 && t.EndsWith("))", StringComparison.Ordinal) && !t.Contains(". ", StringComparison.Ordinal) &&
            t.Count('(') < t.Count(')') ? 1 : 0;
    }

    private static bool IsLispSymbolChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '?' or '!' or '*' or '<' or '>' or '=' or '+' or '/' or ':' or '.' or '%' or '_';

    /// <summary>A Fortran statement or continuation: fixed-form continuation in column 6, dotted operators, a statement
    /// opener followed by code (not by a sentence), or a free-form line continued with '&amp;'.</summary>
    public static bool Fortran(ReadOnlySpan<char> raw, ReadOnlySpan<char> t)
    {
        // Fixed form: five blanks and a continuation mark in column 6 ("     &  d(*), resid(*)").
        if (raw.Length > 7 && raw[..5].IsWhiteSpace() && raw[5] is '&' or '$' or '+' or '*' && raw[6] == ' ' && raw.Length > 8)
        {
            return true;
        }

        // Fixed-form comments: "c", "c     %----%", "C     Compute the norm" in column 1.
        if (raw.Length >= 1 && raw[0] is 'c' or 'C' && (raw.Length == 1 || raw.Length >= 3 && raw[1] == ' ' && raw[2] == ' '))
        {
            return true;
        }

        // Fixed form also takes '*' in column 1 (ANSI X3.9-1978, 3.2.1): "*", "*     .. Local Scalars ..", "*> \param"
        // (Doxygen prologues), and SLATEC's "C***ROUTINES CALLED" banners; a markdown bullet ("* item", one blank) is
        // not one of these.
        if (raw.Length >= 1 && raw[0] == '*' && (raw.Length == 1 || raw[1] == '>' || raw.Length >= 3 && raw[1] == ' ' && raw[2] == ' ') ||
            raw.Length >= 4 && raw[0] is 'c' or 'C' && raw[1] == '*' && raw[2] == '*' && raw[3] == '*')
        {
            return true;
        }

        // Fixed-form continuation with a digit in column 6 ("     1  X(I), Y(I)", "     2PI").
        if (raw.Length > 8 && raw[..5].IsWhiteSpace() && raw[5] is >= '1' and <= '9' && (raw[6] == ' ' || char.IsAsciiLetterUpper(raw[6])))
        {
            return true;
        }

        // Upper-case fixed form: an assignment from column 7 ("      NM1 = N-1", "      X(2) = X(1)-X(2)") or after a
        // statement label ("  101 X1H = X(1)+X(2)"), written without a lower-case letter, which prose does not do.
        if (raw.Length > 10 && (raw[..6].IsWhiteSpace() || char.IsAsciiDigit(t[0])) && UpperAssignment(t))
        {
            return true;
        }

        // "IF (N-2) 102,101,103", "IF (IP .NE. 4) GO TO 103", "IF (N .LE. 3) RETURN": an upper-case IF whose condition
        // is followed by labels or by an upper-case statement.
        if (t.Length > 6 && (t.StartsWith("IF (", StringComparison.Ordinal) || t.StartsWith("IF(", StringComparison.Ordinal)) && UpperIf(t))
        {
            return true;
        }

        if (t.Length > 2 && (t[0] == '&' && t[1] == ' ' || t.EndsWith(", &", StringComparison.Ordinal) || t.EndsWith(" &", StringComparison.Ordinal) && t.Contains('"')))
        {
            return true;
        }

        if (t.ContainsAny(FortranDots))
        {
            return true;
        }

        // A statement label ("10 continue", "9000 format(...)") in front of a statement.
        var label = 0;
        while (label < t.Length && label < 5 && char.IsAsciiDigit(t[label]))
        {
            label++;
        }

        if (label > 0 && label < t.Length - 2 && t[label] == ' ')
        {
            var statement = t[label..].TrimStart();
            if (statement.Length > 0 && char.IsAsciiLetter(statement[0]) && !statement.Contains(' ') ? statement is "continue" or "CONTINUE" : Fortran(statement, statement))
            {
                return true;
            }
        }

        // "y(i) = a*x(i) + y(i)", "d(j,3) = snrm2(n, ax, 1)": an assignment to an array element.
        var paren = t.IndexOf('(');
        if (paren > 0 && paren <= 31 && IsWord(t[..paren]) && char.IsAsciiLetter(t[0]))
        {
            var close = t.IndexOf(')');
            if (close > paren && t[(close + 1)..].StartsWith(" = ", StringComparison.Ordinal) && !t[paren..close].Contains(' ') && t.IndexOfAny(".?!") is var dot && (dot < 0 || t.Contains(".0", StringComparison.Ordinal) || t.Contains("%", StringComparison.Ordinal) || dot > close))
            {
                return !t.EndsWith('.') && !t.EndsWith('?');
            }
        }

        // Only a line whose first word starts some opener is tried against them (one lookup instead of 80 comparisons).
        var firstWord = 0;
        while (firstWord < t.Length && char.IsAsciiLetter(t[firstWord]))
        {
            firstWord++;
        }

        if (!FortranFirstWords.Contains(t[..firstWord]))
        {
            return false;
        }

        // Openers need code after them: a '(', '::', '=', a digit label or nothing; "Call me tomorrow." has none.
        foreach (var opener in FortranOpeners)
        {
            if (t.StartsWith(opener, StringComparison.OrdinalIgnoreCase) && (t.Length == opener.Length || !char.IsAsciiLetterOrDigit(t[opener.Length]) || opener[^1] is ' ' or '(' or ','))
            {
                var rest = t[opener.Length..];
                var upper = t[..opener.Length].ContainsAnyInRange('A', 'Z');
                var lower = t[..opener.Length].ContainsAnyInRange('a', 'z');
                if (upper && lower)
                {
                    // "Call the bank", "Real estate": capitalised prose, not CALL or call.
                    if (!(opener.StartsWith("integer", StringComparison.Ordinal) || opener.StartsWith("logical", StringComparison.Ordinal) || opener.StartsWith("complex", StringComparison.Ordinal)) || !rest.Contains('('))
                    {
                        continue;
                    }
                }

                if (rest.IsEmpty)
                {
                    return opener.TrimEnd() is "return" or "continue" or "end" or "contains" or "implicit none" or "end if" or "endif" or "end do" or "enddo" or "else" or "stop" && t.Length == opener.Length;
                }

                // "INTEGER I, J, KD", "DOUBLE PRECISION ALPHA,BETA", "EXTERNAL XERBLA", "DATA PI /3.14D0/": declarations
                // of a list of names in one case (upper, or lower in fixed form), which a sentence does not write.
                if (upper != lower && IsDeclaration(opener) && NameList(rest.Trim(), upper, raw.Length > 6 && raw[..6].IsWhiteSpace()))
                {
                    return true;
                }

                if (rest.Contains("::", StringComparison.Ordinal) || rest.Contains('(') && !rest.Contains(". ", StringComparison.Ordinal) && !rest.EndsWith('.') ||
                    rest.IndexOfAny(".?!") < 0 && (rest.Contains(" = ", StringComparison.Ordinal) || char.IsAsciiDigit(rest.TrimStart()[0]) || opener.StartsWith("end ", StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // "NM1 = N-1", "X(2) = X(1)-X(2)", "X1H = X(1)+X(2)" (after a label): an upper-case name, optionally indexed, " = ",
    // and an expression without lower-case letters, sentence ends or quotes.
    private static bool UpperAssignment(ReadOnlySpan<char> t)
    {
        var i = 0;
        while (i < t.Length && char.IsAsciiDigit(t[i]))
        {
            i++;
        }

        var s = t[i..].TrimStart();
        var eq = s.IndexOf(" = ", StringComparison.Ordinal);
        if (eq <= 0 || eq > 40 || !char.IsAsciiLetterUpper(s[0]) || s.ContainsAnyInRange('a', 'z') || s.ContainsAny(NotFixedForm))
        {
            return false;
        }

        var name = s[..eq];
        var paren = name.IndexOf('(');
        var head = paren > 0 ? name[..paren] : name;
        if (!IsWord(head) || paren > 0 && !name.EndsWith(")", StringComparison.Ordinal))
        {
            return false;
        }

        var value = s[(eq + 3)..];
        return !value.IsEmpty && !value.Contains(". ", StringComparison.Ordinal) && !value.EndsWith('.');
    }

    // "IF (N-2) 102,101,103" (arithmetic IF), "IF (IP .NE. 4) GO TO 103", "IF (N .LE. 3) RETURN".
    private static bool UpperIf(ReadOnlySpan<char> t)
    {
        if (t.ContainsAnyInRange('a', 'z'))
        {
            return false;
        }

        var open = t.IndexOf('(');
        var depth = 0;
        for (var i = open; i < t.Length; i++)
        {
            depth += t[i] == '(' ? 1 : t[i] == ')' ? -1 : 0;
            if (depth == 0)
            {
                var after = t[(i + 1)..].Trim();
                return !after.IsEmpty && (char.IsAsciiDigit(after[0]) && after.Contains(',') || after.StartsWith("GO TO", StringComparison.Ordinal) ||
                    after is "RETURN" or "STOP" or "THEN" || UpperAssignment(after) || after.StartsWith("CALL ", StringComparison.Ordinal));
            }
        }

        return false;
    }

    // A declared name list: "I, J, KD, L, LM", "ALPHA,BETA", "XERBLA", "PI /3.14159265358979323846D0/",
    // "LNOTI, NOTRAN"; names in the declaration's own case. One name alone counts in upper case or in fixed form only.
    private static bool NameList(ReadOnlySpan<char> rest, bool upper, bool fixedForm)
    {
        if (rest.IsEmpty || rest.Length > 120)
        {
            return false;
        }

        var slash = rest.IndexOf('/');
        if (slash > 0)
        {
            // DATA and COMMON: "SQRT2 /1.414D0/", "/DLS001/ ROWNS(209)".
            return upper && rest[(slash + 1)..].Contains('/') && !rest.ContainsAnyInRange('a', 'z');
        }

        var names = 0;
        foreach (var range in rest.Split(','))
        {
            var item = rest[range].Trim();
            if (item.IsEmpty || !IsWord(item) || (upper ? item.ContainsAnyInRange('a', 'z') : item.ContainsAnyInRange('A', 'Z')))
            {
                return false;
            }

            names++;
        }

        return upper ? rest.Length >= 2 : fixedForm;
    }

    private static bool IsDeclaration(string opener) =>
        opener is "integer " or "real " or "double precision" or "logical " or "complex " or "character " or "external " or
            "intrinsic " or "data " or "common /";

    // Terraform's block types (HashiCorp, "Terraform language: Syntax", developer.hashicorp.com/terraform/language/syntax).
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> HclBlocks = new[]
    {
        "resource", "data", "module", "variable", "output", "provider", "locals", "terraform", "moved", "import", "check",
        "removed", "dynamic", "lifecycle", "content", "required_providers", "backend", "cloud", "validation", "precondition",
        "postcondition", "provisioner", "connection",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Values only HCL writes after "name =": references to Terraform's named values and its built-in functions.
    private static readonly string[] HclValues =
    [
        "var.", "local.", "module.", "data.", "each.", "count.", "path.", "self.", "terraform.", "\"${", "<<-", "<<", "try(",
        "merge(", "lookup(", "coalesce(", "concat(", "jsonencode(", "length(", "element(", "toset(", "tolist(", "tomap(",
        "format(", "compact(", "flatten(", "distinct(", "one(", "can(", "contains(", "keys(", "values(", "zipmap(", "join(",
        "split(", "replace(", "file(", "templatefile(", "cidrsubnet(", "max(", "min(", "string", "number", "bool",
        "list(", "map(", "set(", "object(", "any", "aws_", "google_", "azurerm_",
    ];

    /// <summary>A line of Terraform (HCL): a block header (<c>resource "aws_vpc" "this" {</c>, <c>locals {</c>,
    /// <c>dynamic "ingress" {</c>) or an attribute whose value is a reference, a function call, a type, a heredoc or a
    /// nested block (<c>vpc_id = module.vpc.vpc_id</c>, <c>tags = merge(</c>, <c>type = string</c>, <c>tags = {</c>), or
    /// a snake_case attribute with a literal (<c>enable_dns_support = true</c>, <c>cidr_block = "10.0.0.0/16"</c>).</summary>
    public static bool Hcl(ReadOnlySpan<char> t)
    {
        var word = 0;
        while (word < t.Length && (char.IsAsciiLetterLower(t[word]) || char.IsAsciiDigit(t[word]) || t[word] == '_' || word > 0 && t[word] == '-'))
        {
            word++;
        }

        if (word == 0 || word == t.Length)
        {
            return false;
        }

        var name = t[..word];
        if (name.Contains('-'))
        {
            // A map entry with a kebab-case key ("activemq-5671-tcp  = [5671, 5671, \"tcp\", \"ActiveMQ AMQP\"]", the rule
            // tables of Terraform modules; "subnet-01 = ["): only with a list or object literal, or one opening, or a quoted
            // or numeric value.
            var entry = t[word..].TrimStart();
            return entry.StartsWith("= ", StringComparison.Ordinal) && (HclLiteral(entry[2..].Trim()) || entry[2..].Trim() is "[" or "{");
        }

        var rest = t[word..].TrimStart();
        if (rest.Length >= 1 && rest[0] == '{' && rest.Length == 1 || rest.Length > 1 && rest[0] == '"' && rest.EndsWith("{", StringComparison.Ordinal))
        {
            // Block header: a block type, then up to two quoted labels, then "{".
            return HclBlocks.Contains(name) && QuotedLabels(rest[..^1].TrimEnd());
        }

        if (rest.Length < 3 || rest[0] != '=' || rest[1] != ' ' || !char.IsAsciiLetterLower(t[0]))
        {
            return false;
        }

        var value = rest[2..].TrimStart();
        if (value.IsEmpty)
        {
            return false;
        }

        if (value is "{" or "[" or "{}" or "[]")
        {
            return true;
        }

        foreach (var v in HclValues)
        {
            if (value.StartsWith(v, StringComparison.Ordinal) && (value.Length == v.Length || v[^1] is '.' or '(' or '{' or '<' or '_' || !char.IsAsciiLetterOrDigit(value[v.Length])))
            {
                return !value.Contains(". ", StringComparison.Ordinal) && !value.EndsWith('.');
            }
        }

        if (name.Contains('_') && HclLiteral(value) && value[0] is '[' or '{')
        {
            return true;
        }

        // "enable_dns_support = true", "cidr_block = \"10.0.0.0/16\"": a snake_case name and one literal.
        return name.Contains('_') && (value is "true" or "false" or "null" || value.Length >= 2 && value[0] == '"' && value[^1] == '"' && value[1..^1].IndexOf('"') < 0 || IsWord(value) && char.IsAsciiDigit(value[0]));
    }

    // "[5671, 5671, \"tcp\", \"ActiveMQ AMQP\"]", "{ rule = \"all-all\" }", "\"x\"", "8080": a closed list or object literal with
    // an item separator or an assignment inside, a quoted string, a number.
    private static bool HclLiteral(ReadOnlySpan<char> v)
    {
        if (v.Length >= 2 && (v[0] == '[' && v[^1] == ']' || v[0] == '{' && v[^1] == '}'))
        {
            var inner = v[1..^1];
            return inner.Contains(", ", StringComparison.Ordinal) && (inner.Contains('"') || char.IsAsciiDigit(inner.Trim()[0])) || inner.Contains(" = ", StringComparison.Ordinal);
        }

        return v.Length >= 2 && v[0] == '"' && v[^1] == '"' && v[1..^1].IndexOf('"') < 0 || IsWord(v) && char.IsAsciiDigit(v[0]);
    }

    private static bool QuotedLabels(ReadOnlySpan<char> s)
    {
        var labels = 0;
        while (!s.IsEmpty)
        {
            if (s[0] != '"')
            {
                return false;
            }

            var close = s[1..].IndexOf('"');
            if (close < 1 || s[1..(close + 1)].Contains(' '))
            {
                return false;
            }

            labels++;
            s = s[(close + 2)..].TrimStart();
        }

        return labels <= 2;
    }

    /// <summary>2 for an assembler instruction with a register, an immediate or a memory operand ("mov rax, 1",
    /// "ldrb w2, [x1], #1", "addi $t0, $t0, 1"); 1 for a directive (".text", ".global main"), a label line
    /// ("loop:", ".read:") or a lone "ret"/"syscall"; 0 otherwise.</summary>
    public static int Assembly(ReadOnlySpan<char> t)
    {
        if (t[0] == '.' && t.Length > 2 && char.IsAsciiLetterLower(t[1]))
        {
            var word = 1;
            while (word < t.Length && (char.IsAsciiLetterOrDigit(t[word]) || t[word] is '_' or '.'))
            {
                word++;
            }

            // ".global main", ".section .data", ".read:" (a local label).
            return word == t.Length || t[word] is ' ' or '\t' or ':' ? 1 : 0;
        }

        var end = 0;
        while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '_' or '.'))
        {
            end++;
        }

        if (end == 0)
        {
            return 0;
        }

        if (end < t.Length && t[end] == ':' && (end + 1 == t.Length || t[(end + 1)..].TrimStart() is var after && (after.IsEmpty || after[0] is ';' or '#' or '/' || Assembly(after) == 2)))
        {
            // "loop:", "_start:", "find:  ; comment": a label (prose writes "Note: ...").
            return char.IsAsciiLetterUpper(t[0]) && end + 1 < t.Length ? 0 : 1;
        }

        var mnemonic = t[..end];
        if (!Mnemonics.Contains(mnemonic))
        {
            return t.Equals("ret", StringComparison.Ordinal) || t.Equals("syscall", StringComparison.Ordinal) ? 1 : 0;
        }

        if (end >= t.Length || t[end] is not ' ' and not '\t')
        {
            return mnemonic.Equals("ret", StringComparison.Ordinal) ? 1 : 0;
        }

        // Operands up to a comment: at least one register, immediate or memory reference, and no sentence.
        var operands = t[end..].Trim();
        var comment = operands.IndexOfAny(";#@");
        if (comment == 0 && operands[0] is '#' && operands.Length > 1 && (char.IsAsciiDigit(operands[1]) || operands[1] is '-' or '\''))
        {
            comment = -1;
        }

        var body = comment > 0 ? operands[..comment] : operands;
        if (body.IsEmpty || body.Contains(". ", StringComparison.Ordinal) || body.EndsWith('.') || body.EndsWith('?'))
        {
            return 0;
        }

        var found = false;
        foreach (var range in body.Split(','))
        {
            found |= IsOperand(body[range].Trim());
        }

        return found ? 2 : 0;
    }

    private static bool IsWord(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }

    private static bool IsOperand(ReadOnlySpan<char> o)
    {
        if (o.IsEmpty)
        {
            return false;
        }

        if (o[0] is '%' or '[' or '#' || o[0] == '$' && o.Length > 1 && (char.IsAsciiLetterLower(o[1]) || char.IsAsciiDigit(o[1])))
        {
            return true;
        }

        if (o.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || o.Contains('[') || o.Contains("(%", StringComparison.Ordinal) ||
            o.StartsWith("dword ", StringComparison.OrdinalIgnoreCase) || o.StartsWith("qword ", StringComparison.OrdinalIgnoreCase) || o.StartsWith("byte ", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // x0..x30, w0..w30, r0..r15, r8d, v0: a letter and digits.
        if (o.Length is >= 2 and <= 4 && o[0] is 'x' or 'w' or 'r' or 'v' or 'a' or 't' or 's' or 'q' or 'd' && char.IsAsciiDigit(o[1]))
        {
            return true;
        }

        return Registers.Contains(o);
    }

    /// <summary>An ML-family or Haskell line: a binding ("let f x =", "let rec go acc = function", "val f : int -> int"),
    /// a pattern arm ("| Some x -> x", "| Red"), a type signature ("area :: Shape -> Float"), "match x with", a pipeline
    /// ("xs |> List.map f"), an F# attribute ("[&lt;Fact&gt;]").</summary>
    public static bool MlFamily(ReadOnlySpan<char> t)
    {
        if (t.StartsWith("[<", StringComparison.Ordinal) && t.EndsWith(">]", StringComparison.Ordinal))
        {
            return true;
        }

        if (t.StartsWith("| ", StringComparison.Ordinal) && t.Length > 2 && (char.IsAsciiLetterUpper(t[2]) || t[2] is '_' or '[' or '(' or '\'') &&
            (t.Contains("->", StringComparison.Ordinal) || t.Contains(" of ", StringComparison.Ordinal) || !t[2..].Contains(' ') || t.Contains(" = ", StringComparison.Ordinal)))
        {
            return true;
        }

        if (t.Contains("|> ", StringComparison.Ordinal) || t.Contains(" <| ", StringComparison.Ordinal) || t.Contains(" >>= ", StringComparison.Ordinal) ||
            t.Contains(" <$> ", StringComparison.Ordinal) || t.Contains(" %>% ", StringComparison.Ordinal) || t.Contains(" <- ", StringComparison.Ordinal))
        {
            return true;
        }

        if (t.EndsWith(" <|", StringComparison.Ordinal) || t.StartsWith("\\", StringComparison.Ordinal) && t.Contains("->", StringComparison.Ordinal) ||
            t.StartsWith("fun ", StringComparison.Ordinal) && t.Contains(" ->", StringComparison.Ordinal))
        {
            return true;
        }

        // "init =", "branch mazeGenerator =", "proc modifier*(n: int): int =", "let area r =": a binding whose body follows.
        if (t.EndsWith(" =", StringComparison.Ordinal) && t.Length > 2 && (char.IsAsciiLetterLower(t[0]) || t[0] == '_') && BindingLine(t[..^2]))
        {
            return true;
        }

        // "area (Circle r) = pi * r * r", "go acc (x:xs) = go (acc + x) xs": an equation with arguments and a code body.
        var equation = t.IndexOf(" = ", StringComparison.Ordinal);
        if (equation > 0 && char.IsAsciiLetterLower(t[0]) && t[..equation].Contains(' ') && IsBindingHead(t[..equation]) &&
            t[(equation + 3)..] is var body && !body.EndsWith('.') && (body.ContainsAny(ExpressionMarks) || body.Contains('(') || !body.Contains(' ')))
        {
            return true;
        }

        // "room : Generator Maze", "branch : Generator Maze -> Generator Maze": a lower-case name typed with capitalised types.
        var typed = t.IndexOf(" : ", StringComparison.Ordinal);
        if (typed > 0 && char.IsAsciiLetterLower(t[0]) && IsIdentifier(t[..typed]) && !t[..typed].Contains(' ') && TypeExpression(t[(typed + 3)..]))
        {
            return true;
        }

        if (t.StartsWith("match ", StringComparison.Ordinal) && t.EndsWith(" with", StringComparison.Ordinal) ||
            t.StartsWith("case ", StringComparison.Ordinal) && t.EndsWith(" of", StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var opener in (ReadOnlySpan<string>)["let ", "let rec ", "and ", "val ", "type ", "module ", "data ", "newtype ", "type alias ", "member ", "static member ", "override ", "let!", "use ", "where "])
        {
            if (t.StartsWith(opener, StringComparison.Ordinal) && t.Length > opener.Length && !t.EndsWith('.') && !t.EndsWith('?'))
            {
                var rest = t[opener.Length..];
                var eq = rest.IndexOf(" =", StringComparison.Ordinal);
                var colon = rest.IndexOf(" : ", StringComparison.Ordinal);
                var firstSpace = rest.IndexOf(' ');
                // "let f x =", "let ``name`` () =", "val area : shape -> float"; not "let me know = ..." (words, then '=').
                var typeHead = opener is "type " or "type alias " or "data " or "newtype " or "module ";
                if (eq > 0 && (eq + 2 == rest.Length || rest[eq + 2] == ' ') && (IsBindingHead(rest[..eq]) || typeHead && IsIdentifier(rest[..eq])) ||
                    colon > 0 && colon == firstSpace && rest.Contains("->", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        // "area :: Shape -> Float", ", wisdom :: Int": a lower-case name and a type signature.
        var field = t.StartsWith(", ", StringComparison.Ordinal) || t.StartsWith("{ ", StringComparison.Ordinal) ? t[2..].TrimStart() : t;
        var sig = field.IndexOf(" :: ", StringComparison.Ordinal);
        return sig > 0 && IsIdentifier(field[..sig]) && field.Length > 0 && char.IsAsciiLetterLower(field[0]);
    }

    // A binding's left side: "init", "branch mazeGenerator", "proc modifier*(n: int): int", "let area r".
    private static bool BindingLine(ReadOnlySpan<char> head)
    {
        if (head.Contains(". ", StringComparison.Ordinal) || head.Contains(", ", StringComparison.Ordinal) && !head.Contains('('))
        {
            return false;
        }

        return head.Contains('(') || head.Contains(':') || IsBindingHead(head);
    }

    // "Generator Maze", "Int -> Int", "List (Int, String)", "Model": capitalised type names, arrows, brackets.
    private static bool TypeExpression(ReadOnlySpan<char> type)
    {
        var words = 0;
        foreach (var range in type.Split(' '))
        {
            var w = type[range].Trim("()[]{},");
            if (w.IsEmpty || w is "->")
            {
                continue;
            }

            words++;
            if (!char.IsAsciiLetterUpper(w[0]) && !(w.Length == 1 && char.IsAsciiLetterLower(w[0])))
            {
                return false;
            }
        }

        return words is >= 1 and <= 8 && !type.EndsWith('.');
    }

    // "f x y", "``Name with spaces`` ()", "(+) a b", "x: float", "rec go acc": names, patterns and types, no sentence.
    private static bool IsBindingHead(ReadOnlySpan<char> head)
    {
        if (head.StartsWith("``", StringComparison.Ordinal))
        {
            return true;
        }

        var words = 0;
        foreach (var range in head.Split(' '))
        {
            var w = head[range];
            if (w.IsEmpty)
            {
                continue;
            }

            words++;
            if (words > 6 || !(char.IsAsciiLetterLower(w[0]) || w[0] is '_' or '(' or '\'' or '[' or '{' or '~' or '?' or ')') || w.EndsWith(','))
            {
                return false;
            }
        }

        return words >= 1;
    }

    private static bool IsIdentifier(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '\'' or ',' or ' ' or '(' or ')'))
            {
                return false;
            }
        }

        return s.Length <= 60;
    }

    /// <summary>Lines code has and prose does not: closing brackets alone ("}", "});", "))"), a block end ("end",
    /// "fi", "else"), a data literal item ("('6', 'A'),", "\"eggs\", &amp;", "[1, 2, 3],"), a field of a literal
    /// (<c>description: "x",</c>, <c>Score: 15,</c>), a variable with a sigil (<c>$got = ...</c>, <c>@items = ...</c>), a
    /// block opened after a call or a string (<c>it "works" do</c>, <c>Context "Decoding" {</c>).</summary>
    public static bool Structure(ReadOnlySpan<char> t)
    {
        if (!t.ContainsAnyExcept(Closers) && t.Length <= 12)
        {
            return true;
        }

        var last = t[^1];
        if (BlockWords.Contains(t) || VisualBasicEnd(t))
        {
            return true;
        }

        // "-Wmissing-include-dirs", "--no-cache-dir", "-DCMAKE_BUILD_TYPE=Release \\": a flag alone on its line (a markdown
        // bullet has a space after its dash).
        if (t[0] == '-' && t.Length >= 3 && (char.IsAsciiLetter(t[1]) || t[1] == '-' && char.IsAsciiLetter(t[2])) && FlagToken(t.TrimEnd('\\').TrimEnd()))
        {
            return true;
        }

        // "self,", "body=None,", "tc.want,": one argument or item per line.
        if (last == ',' && t.Length >= 2 && !t.Contains(' ') && (char.IsAsciiLetterLower(t[0]) || t[0] == '_'))
        {
            return true;
        }

        // "final int wisdom;", "int count;", "late String name;": a declaration of two to four words and ';' led by a
        // modifier or a built-in type.
        if (last == ';' && char.IsAsciiLetterLower(t[0]) && Declaration(t[..^1]))
        {
            return true;
        }

        // "; Provide your implementation here", "// keep", "/* ... */": comment lines of C-family code and assembler.
        if (t.StartsWith("; ", StringComparison.Ordinal) || t.StartsWith("// ", StringComparison.Ordinal) || t.StartsWith("/* ", StringComparison.Ordinal) && t.EndsWith("*/", StringComparison.Ordinal))
        {
            return true;
        }

        // "\She swallowed the cat.\n\", "#define X \": string and macro continuations.
        if (t.Length >= 3 && last == '\\' && (t[0] == '\\' || t[0] == '"' || t[^2] == ' '))
        {
            return true;
        }

        // "0.93, 0.14, 0.25,", "1, 2, 3,": a row of numbers.
        if (last == ',' && char.IsAsciiDigit(t[0]) && NumberRow(t))
        {
            return true;
        }

        // "when \"Fireball\"", "case 3:", "Imports System.Text": a branch on a literal, an import of a dotted name.
        if (t.StartsWith("when ", StringComparison.Ordinal) && t.Length > 5 && (t[5] is '"' or '\'' or ':' || char.IsAsciiDigit(t[5])) ||
            (t.StartsWith("Imports ", StringComparison.Ordinal) || t.StartsWith("Namespace ", StringComparison.Ordinal)) && !t[8..].TrimStart().Contains(' ') && t.Contains('.'))
        {
            return true;
        }

        // "required_providers {", "aws = {", "source  = \"hashicorp/aws\"", "tol  = 0.0", "bottom2 = testitem(a, b)":
        // a block opened after a lower-case name, or an assignment whose value is not a sentence.
        if (char.IsAsciiLetterLower(t[0]) || t[0] == '_')
        {
            var end = 0;
            while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '_' or '.'))
            {
                end++;
            }

            var rest = t[end..].TrimStart();
            if (end >= 2 && (rest is "{" || rest.StartsWith("= ", StringComparison.Ordinal) && AssignedValue(rest[2..].Trim())))
            {
                return true;
            }
        }

        // "OTHER_VAR = \"${SOME_VAR}\"", "MAX_RETRIES = 5", "API_URL = os.environ[...]": a constant in capitals with '_' (or
        // of three or more letters) and a value that is a literal or one expression without spaces.
        if (char.IsAsciiLetterUpper(t[0]) && UpperConstant(t))
        {
            return true;
        }

        if (t[0] is '\'' or '"' or '(' or '[' or '{' && (last == ',' || t.EndsWith("),", StringComparison.Ordinal) || t.EndsWith(", &", StringComparison.Ordinal)) && t.Length >= 3)
        {
            // Quoted or bracketed items: a quote or bracket closes before the comma (a poem's "'Tis so," has prose after it).
            var body = t[..^1].TrimEnd();
            return body.Length > 1 && body[^1] is '\'' or '"' or ')' or ']' or '}' || body.Contains("', '", StringComparison.Ordinal) || body.Contains("\", \"", StringComparison.Ordinal);
        }

        // description: "x",  Score: 15,  'a': 1,
        var colon = t.IndexOf(':');
        if (colon > 0 && colon + 2 < t.Length && t[colon + 1] == ' ' && last == ',' && IsFieldName(t[..colon]))
        {
            var value = t[(colon + 2)..^1].Trim();
            // "headers: HeaderTypes | None = None,": a typed parameter with its default.
            return !value.IsEmpty && (value[0] is '"' or '\'' or '[' or '{' or '-' || char.IsAsciiDigit(value[0]) || !value.Contains(' ') ||
                value.Contains(" = ", StringComparison.Ordinal) && !value.Contains(". ", StringComparison.Ordinal));
        }

        if (t[0] is '$' or '@' && t.Length > 3 && char.IsAsciiLetter(t[1]))
        {
            // PowerShell's scopes: "$script:GitVersion = $version", "$env:PATH += ".
            var end = 1;
            while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] == '_' || t[end] == ':' && end + 1 < t.Length && char.IsAsciiLetter(t[end + 1])))
            {
                end++;
            }

            var rest = t[end..].TrimStart();
            return rest.StartsWith("= ", StringComparison.Ordinal) || rest.StartsWith("| ", StringComparison.Ordinal) || rest.StartsWith(".", StringComparison.Ordinal) && rest.Length > 1 && char.IsAsciiLetter(rest[1]) || rest.StartsWith("+= ", StringComparison.Ordinal);
        }

        // it "works" do / Context "Decoding" { / describe Foo do / test "x", %{ ... }: a block opened after a string or a call.
        if ((t.EndsWith("\" do", StringComparison.Ordinal) || t.EndsWith(") do", StringComparison.Ordinal) || t.EndsWith("\" {", StringComparison.Ordinal) ||
            t.EndsWith(" do |", StringComparison.Ordinal)) && t.IndexOf('"') > 0)
        {
            return true;
        }

        return false;
    }

    private static bool UpperConstant(ReadOnlySpan<char> t)
    {
        var end = 0;
        while (end < t.Length && (char.IsAsciiLetterUpper(t[end]) || char.IsAsciiDigit(t[end]) || t[end] == '_'))
        {
            end++;
        }

        var name = t[..end];
        var rest = t[end..].TrimStart();
        if (end < 3 && !name.Contains('_') || !rest.StartsWith("= ", StringComparison.Ordinal))
        {
            return false;
        }

        var value = rest[2..].Trim();
        return !value.IsEmpty && (value[0] is '"' or '\'' && value.Length >= 2 && value[^1] == value[0] || value[0] is '[' or '{' || !value.Contains(' ') && (char.IsAsciiDigit(value[0]) || value.Contains('(') || value.Contains('.') && !value.EndsWith('.')));
    }

    private static bool FlagToken(ReadOnlySpan<char> t)
    {
        foreach (var c in t)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '=' or '.' or ':' or '/' or ',' or '+'))
            {
                return false;
            }
        }

        return true;
    }

    // COBOL's statement verbs (ISO/IEC 1989 procedure division), matched upper-case at a line start.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CobolVerbs = new[]
    {
        "MOVE", "DISPLAY", "PERFORM", "COMPUTE", "ADD", "SUBTRACT", "MULTIPLY", "DIVIDE", "IF", "ELSE", "END-IF", "EVALUATE",
        "WHEN", "END-EVALUATE", "END-PERFORM", "OPEN", "CLOSE", "READ", "WRITE", "REWRITE", "STOP", "GOBACK", "ACCEPT", "CALL",
        "SET", "INITIALIZE", "STRING", "UNSTRING", "INSPECT", "EXEC", "END-EXEC", "SELECT", "FD", "SD", "COPY", "CONTINUE",
        "EXIT", "GO", "SEARCH", "SORT", "MERGE", "RETURN", "RELEASE", "START", "DELETE", "END-READ", "END-CALL", "VARYING",
        "UNTIL", "USING", "GIVING", "INTO", "AT", "NOT", "INVALID", "ON",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Clauses of a COBOL data description entry after its level number and name.
    private static readonly string[] CobolClauses = [" PIC ", " PICTURE ", " VALUE ", " OCCURS ", " REDEFINES ", " USAGE ", " COMP", " BINARY", " INDEXED "];

    /// <summary>A line of COBOL: a division or section header (<c>PROCEDURE DIVISION.</c>, <c>Working-Storage
    /// Section.</c>), a paragraph of the identification division (<c>PROGRAM-ID. X.</c>), a data description entry
    /// (<c>01 SOME-DATE PIC 9(8).</c>, <c>05 WS-NAME.</c>), a statement written in capitals (<c>MOVE A TO B.</c>,
    /// <c>PERFORM PROC1</c>, <c>EXEC SQL ... END-EXEC.</c>) or a hyphenated paragraph name alone (<c>MAIN-PARA.</c>).</summary>
    public static bool Cobol(ReadOnlySpan<char> t)
    {
        // "IDENTIFICATION DIVISION.", "Data Division.", "FILE-CONTROL.", "Working-Storage Section."
        if (t[^1] == '.' && (t.EndsWith(" DIVISION.", StringComparison.OrdinalIgnoreCase) || t.EndsWith(" SECTION.", StringComparison.OrdinalIgnoreCase)))
        {
            var head = t[..t.LastIndexOf(' ')];
            return head.Length >= 2 && IsCobolName(head.Length > 0 && head.IndexOf(' ') < 0 ? head : head[..head.IndexOf(' ')]) && head.Count(' ') <= 2;
        }

        if (t.StartsWith("PROGRAM-ID.", StringComparison.OrdinalIgnoreCase) || t.StartsWith("FILE-CONTROL.", StringComparison.OrdinalIgnoreCase) ||
            t.StartsWith("AUTHOR.", StringComparison.Ordinal))
        {
            return true;
        }

        // A data description entry: a level number (01-49, 66, 77, 88), a data name or FILLER, then a clause or the end.
        if (t.Length >= 5 && char.IsAsciiDigit(t[0]) && char.IsAsciiDigit(t[1]) && t[2] == ' ')
        {
            var rest = t[3..].TrimStart();
            var end = 0;
            while (end < rest.Length && (char.IsAsciiLetterOrDigit(rest[end]) || rest[end] == '-'))
            {
                end++;
            }

            var name = rest[..end];
            if (!IsCobolName(name))
            {
                return false;
            }

            var after = rest[end..];
            if (after is "." || after.IsEmpty)
            {
                // "05 WS-NAME.", "01 SOMEDATANAME" (its clauses on the next lines): a name in capitals or with a hyphen.
                return name.Contains('-') || !name.ContainsAnyInRange('a', 'z') && name.ContainsAnyInRange('A', 'Z');
            }

            foreach (var clause in CobolClauses)
            {
                if (after.StartsWith(clause, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        // A statement in capitals: a verb, then capitals, digits, literals and COBOL's punctuation only.
        var word = 0;
        while (word < t.Length && (char.IsAsciiLetterUpper(t[word]) || t[word] == '-'))
        {
            word++;
        }

        if (word < 2 || !CobolVerbs.Contains(t[..word]) || word < t.Length && t[word] is not (' ' or '.'))
        {
            return word >= 3 && word == t.Length - 1 && t[^1] == '.' && t[..word].Contains('-') && !t[..word].EndsWith("-", StringComparison.Ordinal);
        }

        var quote = '\0';
        var capitals = 0;
        foreach (var c in t[word..])
        {
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (char.IsAsciiLetterLower(c) || c is '?' or '!' or ';' or '{' or '}')
            {
                return false;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                capitals++;
            }
        }

        // COBOL has no articles or pronouns: "ADD YOUR NAME TO THE LIST." is a sentence in capitals.
        foreach (var range in t[word..].Split(' '))
        {
            if (t[word..][range].TrimEnd(".,") is "THE" or "A" or "AN" or "YOU" or "YOUR" or "I" or "ME" or "MY" or "WE" or "OUR" or "THIS" or "THAT" or "PLEASE" or "IT")
            {
                return false;
            }
        }

        // "STOP RUN.", "GOBACK.", "END-IF": a verb alone or with operands written in capitals.
        return capitals >= 2 || word == t.Length || t[word..] is "." || t.Contains('\'') || t.Contains('"');
    }

    private static bool IsCobolName(ReadOnlySpan<char> name)
    {
        if (name.Length < 2 || !char.IsAsciiLetterOrDigit(name[0]) || name[^1] == '-')
        {
            return false;
        }

        var letters = 0;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }

            letters += char.IsAsciiLetter(c) ? 1 : 0;
        }

        return letters >= 1;
    }

    // Forth words that an ordinary sentence does not hold as separate tokens (ANS Forth core and core-ext word sets).
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ForthWords = new[]
    {
        "c@", "c!", "+!", "@", "!", ">r", "r>", "r@", "2dup", "2drop", "2swap", "2over", "?dup", "0=", "0<", "0<>", "1+", "1-",
        "2*", "2/", "cells", "cell+", "chars", "char+", "allot", "dup", "drop", "swap", "over", "rot", "-rot", "nip", "tuck",
        "pick", "roll", "rshift", "lshift", "invert", "negate", "mod", "/mod", "*/", "u<", "u.", ".\"", "s\"", "cr", "emit",
        "type", "count", "move", "fill", "erase", "here", ",", "c,", "execute", "[']", "[char]", "postpone", "immediate",
        "literal", "recurse", "exit", "does>", "create", "variable", "constant", "value", "to", "begin", "until", "while",
        "repeat", "again", "do", "?do", "loop", "+loop", "i", "j", "leave", "unloop", "if", "else", "then", "case", "of",
        "endof", "endcase", "abs", "min", "max", "and", "or", "xor", "=", "<>", "<", ">", "+", "-", "*", "/", "true", "false",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>2 for a Forth definition line (<c>: NAME ( n -- n' )</c>, a lone <c>;</c> or <c>; IMMEDIATE</c>, a stack
    /// comment <c>( addr -- )</c>), 1 for a line of Forth words with a word prose does not write (<c>val 8 rshift addr
    /// c!</c>, <c>-1 of-depth +!</c>, <c>dup 0= if</c>), 0 otherwise.</summary>
    public static int Forth(ReadOnlySpan<char> t)
    {
        if (t is ";" || t.StartsWith("; ", StringComparison.Ordinal) && t[2..].Trim().Equals("IMMEDIATE", StringComparison.OrdinalIgnoreCase))
        {
            return 2;
        }

        if (t.Length >= 3 && t[0] == ':' && t[1] == ' ' && t[2] != ' ')
        {
            var rest = t[2..];
            var end = rest.IndexOf(' ');
            // ": NAME", ": NAME ( -- )", ": NAME { a b -- }" but not ": and then the answer".
            return end < 0 ? (rest.ContainsAnyExcept(LowerLetters) ? 2 : 0) :
                rest[(end + 1)..].TrimStart() is var after && (after.StartsWith("( ", StringComparison.Ordinal) || after.StartsWith("{ ", StringComparison.Ordinal) || after.StartsWith("\\ ", StringComparison.Ordinal)) ? 2 : 0;
        }

        // "\ benchmark primitives": Forth's line comment, which no sentence starts with.
        if (t.Length >= 3 && t[0] == '\\' && t[1] == ' ')
        {
            return 1;
        }

        // "?DUP 0=  IF EXIT THEN   \ level": words after which a comment follows.
        var comment = t.IndexOf(" \\ ", StringComparison.Ordinal);
        if (comment > 0)
        {
            t = t[..comment].TrimEnd();
        }

        // "( n lo hi -- | n , doit if within )": a stack comment.
        var open = t.IndexOf("( ", StringComparison.Ordinal);
        if (open >= 0 && t[open..].IndexOf(" -- ", StringComparison.Ordinal) is var dashes && dashes > 0 && t[(open + dashes)..].IndexOf(')') > 0 &&
            (open == 0 || t[open - 1] == ' '))
        {
            var inside = t[(open + 2)..(open + dashes)];
            return inside.Count(' ') <= 5 && inside.ContainsAny(LettersAndDigits) && !IsNumber(inside) && !inside.Contains(". ", StringComparison.Ordinal) ? 2 : 0;
        }

        // A line of words: at least three tokens, half of them Forth words or numbers, one a word that joins a letter or
        // digit to a symbol ("c@", "+!", ">r", "0=") as no sentence writes.
        var tokens = 0;
        var symbolic = 0;
        var forth = 0;
        foreach (var range in t.Split(' '))
        {
            var token = t[range];
            if (token.IsEmpty)
            {
                continue;
            }

            tokens++;
            if (IsNumber(token))
            {
                forth++;
            }
            else if (ForthWords.Contains(token))
            {
                forth++;
                symbolic += token is "@" or "!" or "+!" || token.ContainsAnyExcept(LettersAndDigits) && token.ContainsAny(LettersAndDigits) ? 1 : 0;
            }
            else if (token.Length > 20 || token[^1] is '.' or ',' or '?' && token.Length > 1 && char.IsAsciiLetter(token[^2]))
            {
                return 0;
            }
        }

        if (tokens >= 3 && symbolic >= 1 && forth * 2 >= tokens)
        {
            return 1;
        }

        // "REPEAT  2DROP", "DROP", "IF EXIT THEN": Forth words in capitals only, one of them a stack or control word.
        return forth == tokens && tokens >= 1 && !t.ContainsAnyInRange('a', 'z') && HasForthStackWord(t) ? 1 : 0;
    }

    private static bool HasForthStackWord(ReadOnlySpan<char> t)
    {
        foreach (var range in t.Split(' '))
        {
            if (t[range] is "DUP" or "DROP" or "SWAP" or "2DROP" or "2DUP" or "?DUP" or "ROT" or "REPEAT" or "UNTIL" or "THEN" or
                "ENDOF" or "ENDCASE" or "LOOP" or "+LOOP" or "EXIT" or "ALLOT" or "CELLS" or "NIP" or "TUCK")
            {
                return true;
            }
        }

        return false;
    }

    private static readonly SearchValues<char> LettersAndDigits = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private static readonly SearchValues<char> LowerLetters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz");

    private static bool IsNumber(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Declaration(ReadOnlySpan<char> t)
    {
        var first = t.IndexOf(' ') is var space && space > 0 ? t[..space] : t;
        if (first is not ("final" or "const" or "var" or "late" or "static" or "private" or "public" or "protected" or "readonly" or
            "int" or "long" or "short" or "char" or "bool" or "boolean" or "double" or "float" or "byte" or "string" or "val" or
            "auto" or "unsigned" or "extern" or "volatile" or "required" or "internal" or "uint" or "size_t" or "void"))
        {
            return false;
        }

        var words = 0;
        foreach (var range in t.Split(' '))
        {
            var w = t[range];
            if (w.IsEmpty || !(char.IsAsciiLetter(w[0]) || w[0] == '_') || w.ContainsAnyExcept(IdentifierChars))
            {
                return false;
            }

            words++;
        }

        return words is >= 2 and <= 4;
    }

    private static readonly SearchValues<char> IdentifierChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_<>?[]");

    // "End Function", "End If", "Next", "End Sub": Visual Basic's block ends.
    private static bool VisualBasicEnd(ReadOnlySpan<char> t) =>
        t is "Next" or "Loop" or "Wend" or "Else" or "End" ||
        t.StartsWith("End ", StringComparison.Ordinal) && t.Length <= 16 && !t[4..].Contains(' ') && char.IsAsciiLetterUpper(t.Length > 4 ? t[4] : ' ') && !t.EndsWith('.');

    private static bool NumberRow(ReadOnlySpan<char> t)
    {
        var items = 0;
        foreach (var range in t[..^1].Split(','))
        {
            var item = t[..^1][range].Trim();
            if (item.IsEmpty || !char.IsAsciiDigit(item[0]) && item[0] != '-')
            {
                return false;
            }

            items++;
        }

        return items >= 2;
    }

    // A value that is code, not words: a literal, a call, an expression; "= the one I meant" is prose.
    private static bool AssignedValue(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.EndsWith('.') && !(value.Length >= 2 && char.IsAsciiDigit(value[^2])) || value.EndsWith('?') || value.EndsWith('!'))
        {
            return false;
        }

        if (value[0] is '"' or '\'' or '[' or '{' or '(' or '-' || char.IsAsciiDigit(value[0]))
        {
            return true;
        }

        var spaces = value.Count(' ');
        return value.Contains('(') || value.ContainsAny(ExpressionMarks) && spaces <= 6 || spaces == 0;
    }

    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        if (name[0] is '"' or '\'' && name.Length > 2 && name[^1] == name[0])
        {
            name = name[1..^1];
        }

        if (name.IsEmpty || name.Length > 40 || !char.IsAsciiLetter(name[0]) && name[0] != '_')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
