namespace Daalu.Contracts;

/// <summary>The purposes of a ModelServing.</summary>
public static class ModelPurposes
{
    /// <summary>Chat, agents, classification.</summary>
    public const string General = "general";

    /// <summary>Code generation; never routed to external models.</summary>
    public const string Coding = "coding";
}
