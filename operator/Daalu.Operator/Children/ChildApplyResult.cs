using k8s;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>The child as the API server last returned it (or as cached when nothing was written), and what was written.</summary>
/// <typeparam name="T">The child's type.</typeparam>
/// <param name="Live">The live child.</param>
/// <param name="Outcome">Created, Updated or Unchanged.</param>
public sealed record ChildApplyResult<T>(T Live, ChildApplyOutcome Outcome)
    where T : class, IKubernetesObject<V1ObjectMeta>;
