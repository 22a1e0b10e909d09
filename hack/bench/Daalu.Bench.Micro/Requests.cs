using System.Text;

namespace Daalu.Bench.Micro;

/// <summary>Chat request bodies the benchmarks share: a one-line question, a multi-turn chat, a long coding prompt and long plain prose.</summary>
public static class Requests
{
    public static byte[] Question { get; } = Encoding.UTF8.GetBytes(
        """{"model":"auto","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":64}""");

    public static byte[] Chat { get; } = Encoding.UTF8.GetBytes(
        """
        {"model":"auto","stream":true,"stream_options":{"include_usage":true},"max_tokens":512,"temperature":0.2,
         "messages":[
          {"role":"system","content":"You are a helpful assistant. Answer concisely and cite sources when you can."},
          {"role":"user","content":"I am planning a trip to Lisbon in May. What neighbourhoods should I stay in?"},
          {"role":"assistant","content":"Alfama, Baixa, Chiado and Principe Real are popular; each has a different feel."},
          {"role":"user","content":"Compare Alfama and Principe Real for a family with two kids, step by step: noise, hills, food, transport."}
         ]}
        """);

    public static byte[] LongCoding { get; } = Encoding.UTF8.GetBytes(
        "{\"model\":\"auto\",\"max_tokens\":2048,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"run_tests\",\"parameters\":{\"type\":\"object\"}}}]," +
        "\"messages\":[{\"role\":\"user\",\"content\":\"Refactor this C# class for testability and explain the trade-offs:\\n```csharp\\n" +
        string.Concat(Enumerable.Repeat("public static int Add(int a, int b) => a + b; // keep\\n", 120)) + "```\"}]}");

    // The classifier's worst case: long text with no signal at all, so no early stop and the whole 4,096-character
    // window is scanned for keywords.
    public static byte[] LongProse { get; } = Encoding.UTF8.GetBytes(
        "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"" +
        string.Concat(Enumerable.Repeat("The committee met on Tuesday and discussed the budget for next year. ", 100)) + "\"}]}");

    public static byte[] For(string name) => name switch
    {
        "short" => Question,
        "chat" => Chat,
        "long" => LongCoding,
        "prose" => LongProse,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "short, chat, long or prose"),
    };
}
