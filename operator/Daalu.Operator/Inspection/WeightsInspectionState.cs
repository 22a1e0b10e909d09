namespace Daalu.Operator.Inspection;

/// <summary>Where an inspection Pod is: still working, done with a summary, or failed (and why).</summary>
/// <param name="Finished">True once the Pod's container has terminated (or the Pod failed without it).</param>
/// <param name="Summary">The compact JSON the container printed to its termination message when it succeeded.</param>
/// <param name="Reason">A CamelCase reason for a failure (a <see cref="Planning.PlanReasons"/> value when it settles the matter).</param>
/// <param name="Message">What happened, for a condition message.</param>
/// <param name="Definitive">
/// True when the failure is about the files (config.json or the index missing or not valid JSON): vLLM would fail on the
/// same files, so nothing is deployed. False when the Pod failed for another reason (image, eviction, deadline, crash).
/// </param>
/// <param name="FinishedAt">When the container terminated, for the retry delay.</param>
public sealed record WeightsInspectionState(bool Finished, string? Summary, string? Reason, string Message, bool Definitive, DateTimeOffset? FinishedAt)
{
    /// <summary>Still pending or running.</summary>
    public static WeightsInspectionState Waiting(string message) => new(false, null, null, message, false, null);
}
