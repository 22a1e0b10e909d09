using System.Text;

namespace Daalu.Router.Tests.Api;

/// <summary>
/// Request bodies for the parser's property tests, from one seed: chat, completions and embeddings bodies in the shapes
/// of the OpenAI API reference (platform.openai.com/docs/api-reference/chat/create: messages with string or part
/// contents, tool calls, tools, stream options) and Anthropic's content blocks (tool_result, tool_use, image), with
/// fields in any order, values of the wrong kind, numbers at and past every bound, escaped and raw non-ASCII text, lone
/// surrogates, repeated and escaped names; then, for some, a few bytes deleted or inserted so the JSON breaks.
/// </summary>
internal static class BodyBuilder
{
    private static readonly string[] Roles = ["user", "system", "assistant", "tool", "developer", "function", "bot", "message", "function_call_output"];
    private static readonly string[] PartTypes = ["text", "input_text", "output_text", "image_url", "input_image", "image", "tool_result", "tool_use", "input_audio", "file", "refusal", "video"];
    private static readonly string[] Keys = ["model", "stream", "stream_options", "include_usage", "max_tokens", "max_completion_tokens", "temperature", "top_p",
        "presence_penalty", "frequency_penalty", "n", "messages", "role", "content", "type", "text", "tool_calls", "tool_call_id", "function", "arguments",
        "function_call", "output", "tools", "functions", "tool_choice", "prompt", "input", "system", "instructions", "image_url", "name", "x"];
    private static readonly string[] Numbers = ["0", "1", "2", "16", "-1", "0.5", "1.0", "16.0", "1e2", "1E+1", "1e400", "-0", "128", "129", "2.5", "1000000", "1000001", "-2", "-2.5", "3000000000", "0.0001"];
    private static readonly string[] Texts = ["hello", "What is the capital of France?", "", "é", "😀 ok", "\\u00e9t\\u00e9", "\\ud83d\\ude00", "a\\nb\\t\\\"c\\\\", "\\u0000x",
        "def f(x):\\n    return x * 2", "SELECT * FROM t WHERE id = 1;", "m", "bench-model", "text", "user", "tool_result", "\\/"];
    private static readonly string Long = string.Concat(Enumerable.Repeat("long text é ", 30));
    private const string Mutations = "{}[],:\"\\ 0au";

    // The chance that any one field or value is of a wrong kind or out of range: none, rare or frequent, per body.
    [ThreadStatic]
    private static double badRate;

    private static bool Bad(Random r) => r.NextDouble() < badRate;

    private static readonly string[] ValidRoles = ["user", "system", "assistant", "tool", "developer", "function"];
    private static readonly string[] ValidPartTypes = ["text", "text", "text", "image_url", "input_image", "input_audio", "file", "refusal"];
    private static readonly string[] ValidNumbers = ["1", "2", "16", "0.5", "1.0", "16.0", "1e0"];

    public static string Build(Random r)
    {
        badRate = r.Next(3) switch { 0 => 0, 1 => 0.02, _ => 0.15 };
        var sb = new StringBuilder();
        switch (r.Next(8))
        {
            case 0:
                Value(sb, r, 4);
                break;
            case 1:
                Object(sb, r, Pick(r, [("model", b => Model(b, r)), ("prompt", b => Prompt(b, r)), ("max_tokens", b => Number(b, r)),
                    ("stream", b => Bool(b, r)), ("temperature", b => Number(b, r)), ("x", b => Value(b, r, 2))], required: 2));
                break;
            case 2:
                Object(sb, r, Pick(r, [("model", b => Model(b, r)), ("input", b => Input(b, r)), ("stream", b => Bool(b, r)), ("x", b => Value(b, r, 2))], required: 2));
                break;
            default:
                Chat(sb, r);
                break;
        }

        var text = sb.ToString();
        if (badRate > 0 && r.Next(3) == 0)
        {
            for (var i = r.Next(1, 3); i > 0 && text.Length > 0; i--)
            {
                var at = r.Next(text.Length);
                text = r.Next(2) == 0 ? text.Remove(at, 1) : text.Insert(at, Mutations[r.Next(Mutations.Length)].ToString());
            }
        }

        return text;
    }

    private static void Chat(StringBuilder sb, Random r) => Object(sb, r, Pick(r,
    [
        ("model", b => Model(b, r)),
        ("messages", b => Messages(b, r)),
        ("stream", b => Bool(b, r)),
        ("stream_options", b => { if (Bad(r)) { Value(b, r, 1); } else { Object(b, r, Pick(r, [("include_usage", c => Bool(c, r)), ("x", c => Value(c, r, 1))], 0)); } }),
        ("max_tokens", b => Number(b, r)),
        ("max_completion_tokens", b => Number(b, r)),
        ("temperature", b => Number(b, r)),
        ("top_p", b => Number(b, r)),
        ("presence_penalty", b => Number(b, r)),
        ("frequency_penalty", b => Number(b, r)),
        ("n", b => Number(b, r)),
        ("tools", b => { if (Bad(r)) { Value(b, r, 2); } else { Array(b, r, 3, c => { if (Bad(r)) { Value(c, r, 1); } else { Object(c, r, [("type", d => d.Append("\"function\"")), ("function", d => Value(d, r, 2))]); } }); } }),
        ("functions", b => Value(b, r, 2)),
        ("tool_choice", b => Value(b, r, 1)),
        ("system", b => Content(b, r, 2)),
        ("instructions", b => Content(b, r, 1)),
        ("prompt", b => Prompt(b, r)),
        ("input", b => Input(b, r)),
        ("user", b => Value(b, r, 1)),
    ], required: 2));

    private static void Messages(StringBuilder sb, Random r)
    {
        if (Bad(r))
        {
            Value(sb, r, 2);
            return;
        }

        Array(sb, r, 5, b => Message(b, r));
    }

    private static void Message(StringBuilder sb, Random r)
    {
        if (Bad(r))
        {
            Value(sb, r, 1);
            return;
        }

        Object(sb, r, Pick(r,
        [
            ("role", b => { if (Bad(r)) { Value(b, r, 0); } else { Str(b, Bad(r) ? Roles[r.Next(Roles.Length)] : ValidRoles[r.Next(ValidRoles.Length)]); } }),
            ("content", b => Content(b, r, 3)),
            ("tool_calls", b => Array(b, r, 3, c => { if (Bad(r)) { Value(c, r, 1); } else { Object(c, r, [("id", d => Str(d, "c1")), ("function", d => { if (Bad(r)) { Value(d, r, 1); } else { Object(d, r, [("name", e => Str(e, "f")), ("arguments", e => Text(e, r))]); } })]); } })),
            ("tool_call_id", b => Str(b, "c1")),
            ("type", b => Str(b, Roles[r.Next(Roles.Length)])),
            ("output", b => Text(b, r)),
            ("arguments", b => Text(b, r)),
            ("function_call", b => { if (Bad(r)) { Value(b, r, 1); } else { Object(b, r, [("arguments", c => Text(c, r))]); } }),
            ("name", b => Value(b, r, 1)),
        ], required: 2));
    }

    private static void Content(StringBuilder sb, Random r, int depth)
    {
        switch (r.Next(6))
        {
            case 0 or 1:
                Text(sb, r);
                break;
            case 2:
                sb.Append(!Bad(r) ? "null" : Numbers[r.Next(Numbers.Length)]);
                break;
            default:
                Array(sb, r, 4, b => Part(b, r, depth));
                break;
        }
    }

    private static void Part(StringBuilder sb, Random r, int depth)
    {
        if (Bad(r))
        {
            Value(sb, r, 1);
            return;
        }

        Object(sb, r, Pick(r,
        [
            ("type", b => { if (Bad(r)) { Value(b, r, 0); } else { Str(b, badRate == 0 || r.Next(3) > 0 ? ValidPartTypes[r.Next(ValidPartTypes.Length)] : PartTypes[r.Next(PartTypes.Length)]); } }),
            ("text", b => { if (Bad(r)) { Value(b, r, 1); } else { Text(b, r); } }),
            ("content", b => { if (depth > 0) { Content(b, r, depth - 1); } else { Text(b, r); } }),
            ("input", b => Value(b, r, 4)),
            ("image_url", b => Object(b, r, [("url", c => Str(c, "https://x/y.png"))])),
        ], required: 1));
    }

    private static void Prompt(StringBuilder sb, Random r)
    {
        if (r.Next(3) == 0)
        {
            Text(sb, r);
        }
        else
        {
            Array(sb, r, 4, b => { switch (r.Next(5)) { case 0: Number(b, r); break; case 1: Value(b, r, 1); break; case 2: Array(b, r, 3, c => Number(c, r)); break; default: Text(b, r); break; } });
        }
    }

    private static void Input(StringBuilder sb, Random r)
    {
        switch (r.Next(5))
        {
            case 0:
                Text(sb, r);
                break;
            case 1:
                Array(sb, r, 3, b => Message(b, r));
                break;
            case 2:
                Value(sb, r, 2);
                break;
            default:
                Array(sb, r, 4, b => { switch (r.Next(6)) { case 0: Number(b, r); break; case 1: Value(b, r, 1); break; case 2: Array(b, r, 3, c => Number(c, r)); break; default: Text(b, r); break; } });
                break;
        }
    }

    private static void Model(StringBuilder sb, Random r)
    {
        switch (Bad(r) ? r.Next(2) : 2)
        {
            case 0:
                Value(sb, r, 1);
                break;
            case 1:
                Str(sb, new string('m', r.Next(2) == 0 ? 256 : 257));
                break;
            default:
                Str(sb, r.Next(3) == 0 ? "gpt-\\u00e9" : "bench-model");
                break;
        }
    }

    private static void Number(StringBuilder sb, Random r)
    {
        if (Bad(r))
        {
            if (r.Next(2) == 0)
            {
                Value(sb, r, 0);
            }
            else
            {
                sb.Append(Numbers[r.Next(Numbers.Length)]);
            }
        }
        else
        {
            sb.Append(ValidNumbers[r.Next(ValidNumbers.Length)]);
        }
    }

    private static void Bool(StringBuilder sb, Random r) => sb.Append(Bad(r) ? r.Next(3) switch { 0 => "null", 1 => "1", _ => "\"true\"" } : r.Next(2) == 0 ? "false" : "true");

    private static void Text(StringBuilder sb, Random r)
    {
        var t = (Bad(r) ? r.Next(3) : 2 + r.Next(40)) switch
        {
            0 => "\\ud800",
            1 => "x\\udc00y",
            2 => Long,
            _ => Texts[r.Next(Texts.Length)],
        };
        Str(sb, t);
    }

    private static void Str(StringBuilder sb, string escaped) => sb.Append('"').Append(escaped).Append('"');

    // Any JSON value, nesting at most depth levels.
    private static void Value(StringBuilder sb, Random r, int depth)
    {
        switch (r.Next(depth > 0 ? 7 : 4))
        {
            case 0:
                sb.Append(r.Next(3) switch { 0 => "null", 1 => "true", _ => "false" });
                break;
            case 1:
                sb.Append(Numbers[r.Next(Numbers.Length)]);
                break;
            case 2 or 3:
                Text(sb, r);
                break;
            case 4:
                Array(sb, r, 3, b => Value(b, r, depth - 1));
                break;
            default:
                Object(sb, r, Enumerable.Range(0, r.Next(4)).Select(_ => (Keys[r.Next(Keys.Length)], (Action<StringBuilder>)(b => Value(b, r, depth - 1)))).ToArray());
                break;
        }
    }

    private static void Array(StringBuilder sb, Random r, int max, Action<StringBuilder> item)
    {
        sb.Append('[');
        var n = r.Next(max + 1);
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            item(sb);
        }

        sb.Append(']');
    }

    // The fields in a random order; now and then one is repeated, and a name's first letter is written as an escape.
    private static void Object(StringBuilder sb, Random r, IReadOnlyList<(string Name, Action<StringBuilder> Value)> fields)
    {
        var order = fields.ToList();
        if (order.Count > 0 && Bad(r) && r.Next(4) == 0)
        {
            order.Add(order[r.Next(order.Count)]);
        }

        for (var i = order.Count - 1; i > 0; i--)
        {
            var j = r.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        sb.Append('{');
        for (var i = 0; i < order.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var name = order[i].Name;
            if (name.Length > 0 && r.Next(25) == 0)
            {
                name = $"\\u{(int)name[0]:x4}{name[1..]}";
            }

            sb.Append('"').Append(name).Append("\":");
            order[i].Value(sb);
        }

        sb.Append('}');
    }

    // The first `required` fields always, each other one with probability one half.
    private static List<(string, Action<StringBuilder>)> Pick(Random r, (string, Action<StringBuilder>)[] fields, int required)
    {
        var picked = new List<(string, Action<StringBuilder>)>();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i < required ? !(Bad(r) && r.Next(2) == 0) : r.Next(3) == 0)
            {
                picked.Add(fields[i]);
            }
        }

        return picked;
    }
}
