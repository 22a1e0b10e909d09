using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Daalu.Router.Classification;
using Daalu.Router.Protocols.Tests.Classification.Reference;

namespace Daalu.Router.Protocols.Tests.Classification;

/// <summary>
/// The reader, which measures all but the last user text from their raw bytes, must give exactly what the old reader (<see cref="ReferenceComplexityInputReader"/>, kept verbatim) gives on
/// <c>JsonNode.Parse</c> of the same bytes. Bodies are generated as JSON text so the things a
/// DOM hides are varied too: properties in any order, whitespace, escaped and unescaped spellings of the same text
/// (short escapes, \u escapes in either case, surrogate pairs as two escapes), non-ASCII and emoji, escaped property
/// names and role/type values, and odd shapes (messages that are not objects, content that is null, a number or an
/// object, parts without a type or with a non-string text, tools that are not arrays), plus nested objects elsewhere
/// that reuse the names "messages", "tools", "role" and "content" and must be ignored. Property names are never
/// repeated within one object: the DOM reader throws on a repeat (see ComplexityInputReaderTests).
/// </summary>
public class ComplexityInputReaderPropertyTests
{
    // One code point (or a longer run) per unit, so a surrogate pair is never split between a raw and an escaped half.
    private static readonly string[] TextUnits =
    [
        "a", "Z", " ", "word ", "design ", "step by step", "\n", "\r\n", "\t", "\"", "\\", "/", "é", "ß", "中", "😀", "👍🏽",
        "\u2028", "\u0000", "\u001f", "\u007f", "ſ", "İ", "\uFEFF", "\u00A0", "{", "}", "[", "]", ":", ",",
        new string('x', 300),
    ];

    private static readonly string[] ExtraNames =
    [
        "model", "messages", "tools", "role", "content", "type", "text", "image_url", "Messages", "TOOLS", "name", "x",
    ];

    private static readonly Gen<string> Text = Gen.Select(Gen.OneOf(TextUnits), Gen.Int[0, 3], (unit, mode) => (unit, mode))
        .Array[0, 12]
        .Select(units => "\"" + string.Concat(units.Select(u => Escape(u.unit, u.mode))) + "\"");

    private static readonly Gen<string> Primitive = Gen.Frequency(
        (1, Gen.OneOf("null", "true", "false", "0", "-1.5e3", "12", "\"\"")),
        (1, Text));

    private static readonly Gen<string> AnyValue = Value(3);

    private static readonly Gen<string> Role = Gen.Frequency(
        (10, Word("user", "user", "user", "system", "assistant", "developer", "tool", "User", "user ", "")),
        (1, Gen.OneOf("null", "1", "{\"role\":\"user\"}", "[\"user\"]")));

    private static readonly Gen<string> PartType = Gen.Frequency(
        (10, Word("text", "image_url", "input_image", "input_audio", "refusal", "Text", "image", "")),
        (1, Gen.OneOf("null", "7", "{\"type\":\"text\"}", "[\"text\"]")));

    private static readonly Gen<string> Part = Gen.Frequency(
        (10, Obj(
            Member("type", PartType, 9),
            Member("text", Gen.Frequency((8, Text), (1, Primitive), (1, Gen.Const("{\"text\":\"x\"}"))), 8),
            Member("image_url", Value(1), 2),
            Member("cache_control", Value(1), 1))),
        (1, AnyValue));

    private static readonly Gen<string> Content = Gen.Frequency(
        (6, Text),
        (5, Array(Part, 0, 5)),
        (2, Primitive),
        (1, AnyValue));

    private static readonly Gen<string> Message = Gen.Frequency(
        (12, Obj(
            Member("role", Role, 9),
            Member("content", Content, 9),
            Member("name", Text, 1),
            Member("tool_calls", Value(2), 1),
            Member("metadata", Value(2), 1))),
        (1, AnyValue));

    private static readonly Gen<string> Messages = Gen.Frequency(
        (12, Array(Message, 0, 6)),
        (1, AnyValue));

    private static readonly Gen<string> Tools = Gen.Frequency(
        (2, Gen.Const("[]")),
        (3, Array(AnyValue, 1, 3)),
        (1, AnyValue));

    private static readonly Gen<string> Bodies = Obj(
        Member("model", Gen.Const("\"auto\""), 3),
        Member("messages", Messages, 12),
        Member("tools", Tools, 3),
        Member("metadata", AnyValue, 1),
        Member("response_format", AnyValue, 1),
        Member("Messages", AnyValue, 1),
        Member("tool_choice", AnyValue, 1),
        Member("stream", Primitive, 1));

    [Fact]
    public void FromChatRequest_RandomBodies_SameAsReference()
    {
        int withUserText = 0, withJoinedParts = 0, withImages = 0, withTools = 0;
        Bodies.Sample(
            json =>
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                var expected = ReferenceComplexityInputReader.FromChatRequest(JsonNode.Parse(bytes)!.AsObject());

                var fromDom = ComplexityInputReader.FromChatRequest(JsonNode.Parse(bytes)!.AsObject());

                Assert.Equal(expected, fromDom);
                if (expected.LastUserText.Length > 0)
                {
                    Interlocked.Increment(ref withUserText);
                }

                if (expected.LastUserText.Contains('\n', StringComparison.Ordinal) && json.Contains("\"type\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref withJoinedParts);
                }

                if (expected.HasImages)
                {
                    Interlocked.Increment(ref withImages);
                }

                if (expected.HasTools)
                {
                    Interlocked.Increment(ref withTools);
                }
            },
            iter: 20_000,
            print: json => json);

        // The generator must reach the interesting outcomes, or agreeing with the reference proves little.
        var reached = $"user text {withUserText}, joined parts {withJoinedParts}, images {withImages}, tools {withTools} of 20000";
        Assert.True(withUserText > 2_000 && withJoinedParts > 250 && withImages > 1_200 && withTools > 1_800, reached);
    }

    // mode 0: raw where JSON allows; 1: short escapes where they exist; 2 and 3: every UTF-16 unit as \u, upper or lower hex.
    private static string Escape(string unit, int mode)
    {
        var sb = new StringBuilder();
        foreach (var c in unit)
        {
            var shortEscape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '/' => "\\/",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => null,
            };
            var mustEscape = c is '"' or '\\' or < ' ';
            if (mode >= 2 || (mustEscape && shortEscape is null))
            {
                sb.Append(mode == 3 ? $"\\u{(int)c:x4}" : $"\\u{(int)c:X4}");
            }
            else if (shortEscape is not null && (mode == 1 || mustEscape))
            {
                sb.Append(shortEscape);
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static Gen<string> Word(params string[] words) =>
        Gen.Select(Gen.OneOf(words), Gen.Int[0, 5], (word, mode) => "\"" + Escape(word, mode > 3 ? 0 : mode) + "\"");

    private static Gen<string> Array(Gen<string> item, int min, int max) =>
        Gen.Select(item.Array[min, max], Gen.Bool, (items, spaced) => "[" + string.Join(spaced ? ", " : ",", items) + "]");

    // A value nested up to depth levels, with objects whose names include the ones the reader looks for at the top.
    private static Gen<string> Value(int depth)
    {
        if (depth == 0)
        {
            return Primitive;
        }

        var inner = Value(depth - 1);
        return Gen.Frequency(
            (3, Primitive),
            (1, Array(inner, 0, 3)),
            (1, Obj(ExtraNames.Select(name => Member(name, inner, 1)).ToArray())));
    }

    private static Gen<string?> Member(string name, Gen<string> value, int presentWeight) => Gen.Frequency(
        (Math.Max(1, 12 - presentWeight), Gen.Const((string?)null)),
        (presentWeight, Gen.Select(Word(name), value, Gen.Bool, (n, v, spaced) => (string?)(n + (spaced ? ": " : ":") + v))));

    // The present members in a random order.
    private static Gen<string> Obj(params Gen<string?>[] members)
    {
        var all = members.Aggregate(
            Gen.Const(System.Array.Empty<(string? Json, int Key)>()),
            (acc, member) => Gen.Select(acc, member, Gen.Int, Add));
        return Gen.Select(all, Gen.Bool, (list, spaced) =>
            "{" + (spaced ? " " : "") + string.Join(spaced ? ",\n " : ",", list.Where(m => m.Json is not null).OrderBy(m => m.Key).Select(m => m.Json)) + "}");

        static (string? Json, int Key)[] Add((string? Json, int Key)[] list, string? json, int key) => [.. list, (json, key)];
    }
}
