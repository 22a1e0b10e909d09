namespace Daalu.Api.Schema;

/// <summary>An <c>x-kubernetes-validations</c> CEL rule on a type (object) or a property.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class CelRuleAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public CelRuleAttribute(string rule, string message)
    {
        Rule = rule;
        Message = message;
    }

    /// <summary>The CEL expression; <c>self</c> is the value the rule is attached to.</summary>
    public string Rule { get; }

    /// <summary>The refusal message the API server returns when the rule is false.</summary>
    public string Message { get; }

    /// <summary>Optional field path the error is reported at, e.g. <c>.tiers</c>.</summary>
    public string? FieldPath { get; init; }
}
