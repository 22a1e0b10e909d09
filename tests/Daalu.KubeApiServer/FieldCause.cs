namespace Daalu.KubeApiServer;

/// <summary>One cause of a 422 Invalid response, as in <c>Status.details.causes</c>.</summary>
/// <param name="Reason">Machine reason, e.g. <c>FieldValueRequired</c>, <c>FieldValueInvalid</c>.</param>
/// <param name="Message">Kubernetes-worded message, e.g. <c>Required value</c>.</param>
/// <param name="Field">The field path, e.g. <c>spec.gpuClass</c>.</param>
public sealed record FieldCause(string Reason, string Message, string Field);
