using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>The schema admission step of create and update for custom resources (the API server's CRD handling).</summary>
public interface IObjectValidator
{
    /// <summary>
    /// Defaults and prunes <paramref name="obj"/> in place the way the API server stores it, and returns the
    /// validation failures; empty when it is valid.
    /// </summary>
    /// <param name="type">The custom resource type, whose <see cref="ResourceType.CrdPath"/>/<see cref="ResourceType.Schema"/> apply.</param>
    /// <param name="obj">The object to admit; modified in place.</param>
    /// <param name="oldObj">The stored object on update (for CEL transition rules), null on create.</param>
    /// <param name="strictFields">True for <c>fieldValidation=Strict</c>: unknown fields are errors instead of being pruned.</param>
    IReadOnlyList<FieldCause> Admit(ResourceType type, JsonObject obj, JsonObject? oldObj, bool strictFields);
}
