namespace Daalu.Operator.Children;

/// <summary>What <see cref="ChildApplier"/> wrote.</summary>
public enum ChildApplyOutcome
{
    /// <summary>Nothing: the child exists as desired (or exists, in create-only mode).</summary>
    Unchanged,

    /// <summary>The child did not exist and was created.</summary>
    Created,

    /// <summary>The child existed with another spec-hash and was replaced.</summary>
    Updated,
}
