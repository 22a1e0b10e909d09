namespace Daalu.Bench.Workload;

/// <summary>The traffic shapes.</summary>
internal enum Workload
{
    /// <summary>Multi-turn agent loops: a shared system prompt, each step resends the whole history plus the last tool result.</summary>
    Agent,

    /// <summary>Independent chats arriving in bursts (5 s at 3x the mean rate every 30 s).</summary>
    ChatBurst,

    /// <summary>Half agent steps, half chats, the rate following a day's curve (0.4x to 1.6x the mean) compressed into the run.</summary>
    MixedDay,
}
