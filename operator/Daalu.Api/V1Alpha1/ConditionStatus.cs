namespace Daalu.Api.V1Alpha1;

/// <summary>The three values of <see cref="Condition.Status"/>.</summary>
public static class ConditionStatus
{
    /// <summary>The condition holds.</summary>
    public const string True = "True";

    /// <summary>The condition does not hold.</summary>
    public const string False = "False";

    /// <summary>Not known yet.</summary>
    public const string Unknown = "Unknown";
}
