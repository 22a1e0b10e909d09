using k8s;
using k8s.Models;

namespace Daalu.Runtime.Events;

/// <summary>Records Kubernetes Events about an object; repeats of the same event raise its count instead of adding one.</summary>
public interface IEventRecorder
{
    /// <summary>
    /// Records an event about <paramref name="involved"/>. Never throws for API errors (events are best effort);
    /// the message must not contain secrets or prompt text.
    /// </summary>
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message, CancellationToken cancellationToken);
}
