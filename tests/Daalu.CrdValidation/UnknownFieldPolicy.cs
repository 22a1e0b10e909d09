namespace Daalu.CrdValidation;

/// <summary>What to do with fields the schema does not declare.</summary>
public enum UnknownFieldPolicy
{
    /// <summary>Refuse them like kubectl's default (fieldValidation=Strict): <c>unknown field "spec.foo"</c>.</summary>
    Reject,

    /// <summary>Drop them silently like fieldValidation=Ignore (the API server's pruning).</summary>
    Prune,
}
