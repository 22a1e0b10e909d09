using Daalu.Runtime;
using Daalu.Runtime.Resources;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// The one way the operator writes a child object, after controller-runtime's <c>controllerutil.CreateOrUpdate</c> and
/// <c>SetControllerReference</c>: make the owner the child's controller, read the live child, refuse one that is not
/// the operator's, and write only when the operator's intent changed. Intent is the spec-hash annotation
/// (<see cref="SpecHash"/>) of the desired object: the API server defaults fields and other controllers add some, so a
/// field-by-field comparison would see a difference on every reconcile.
/// <list type="number">
/// <item>With an owner, <see cref="OwnerReferences.SetControllerReference"/> (same namespace, no other controller),
/// then the hash is stamped.</item>
/// <item>The live child: the informer's cached copy when the caller has one (<paramref name="cached"/>), else a GET.
/// A cache that has not seen a child made a moment ago answers null: the create's 409 AlreadyExists then reads it.</item>
/// <item>Ownership: a child of the owner's controller reference (with an owner), else one labelled
/// app.kubernetes.io/managed-by=daalu-operator (a shared child such as the device plugin DaemonSet). Anything else
/// throws <see cref="ChildNotOwnedException"/> and nothing is written.</item>
/// <item>Same hash (or create-only mode): nothing is written. Otherwise a replace at the live resourceVersion (a
/// concurrent change answers 409 and the reconcile retries), with server-assigned fields carried over; a child
/// deleted since it was read is created again.</item>
/// </list>
/// </summary>
public static class ChildApplier
{
    /// <summary>Applies <paramref name="desired"/>; see the type's remarks for the steps.</summary>
    /// <param name="client">The operator's client.</param>
    /// <param name="kind">The kind's API calls.</param>
    /// <param name="desired">The desired child (its namespace and name set); it is modified (owner, hash, resourceVersion).</param>
    /// <param name="owner">The controller owner, or null for a shared child the operator manages by label.</param>
    /// <param name="cached">The informer's copy when the kind is cached; null with <paramref name="readFromApi"/> false means "not in the cache".</param>
    /// <param name="readFromApi">True for kinds without an informer: the live child is read with a GET.</param>
    /// <param name="mode">Whether an existing child with another hash is replaced.</param>
    /// <param name="cancellationToken">Cancels the API calls.</param>
    public static async Task<ChildApplyResult<T>> ApplyAsync<T>(IKubernetes client, ChildKind<T> kind, T desired, IKubernetesObject<V1ObjectMeta>? owner,
        T? cached, bool readFromApi, ChildApplyMode mode, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(desired);
        var ns = desired.Metadata?.NamespaceProperty ?? throw new ArgumentException("the desired child has no namespace", nameof(desired));
        var name = desired.Metadata.Name ?? throw new ArgumentException("the desired child has no name", nameof(desired));
        if (owner is not null)
        {
            OwnerReferences.SetControllerReference(desired, owner);
        }

        SpecHash.Stamp(desired);

        var live = readFromApi ? await TryReadAsync(client, kind, ns, name, cancellationToken).ConfigureAwait(false) : cached;
        if (live is null)
        {
            try
            {
                return new(await kind.Create(client, desired, cancellationToken).ConfigureAwait(false), ChildApplyOutcome.Created);
            }
            catch (Exception ex) when (ApiErrors.IsConflict(ex))
            {
                live = await kind.Read(client, ns, name, cancellationToken).ConfigureAwait(false);
            }
        }

        EnsureOwned(kind, live, owner);
        if (mode == ChildApplyMode.CreateOnly || SpecHash.Of(live) == SpecHash.Of(desired))
        {
            return new(live, ChildApplyOutcome.Unchanged);
        }

        desired.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
        kind.CarryOver?.Invoke(live, desired);
        try
        {
            return new(await kind.Replace(client, desired, cancellationToken).ConfigureAwait(false), ChildApplyOutcome.Updated);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            // Deleted since it was read (or a stale cache): make it again.
            desired.Metadata.ResourceVersion = null;
            return new(await kind.Create(client, desired, cancellationToken).ConfigureAwait(false), ChildApplyOutcome.Created);
        }
    }

    /// <summary>Whether the operator may write <paramref name="live"/>: controlled by <paramref name="owner"/>, or (no owner) labelled as the operator's.</summary>
    public static bool IsOurs(IKubernetesObject<V1ObjectMeta> live, IKubernetesObject<V1ObjectMeta>? owner)
    {
        ArgumentNullException.ThrowIfNull(live);
        return owner is not null
            ? OwnerReferences.GetController(live)?.Uid is { Length: > 0 } uid && uid == owner.Metadata?.Uid
            : live.Metadata?.Labels is { } labels && labels.TryGetValue(WellKnown.ManagedByLabel, out var manager) && manager == WellKnown.ManagedByValue;
    }

    private static void EnsureOwned<T>(ChildKind<T> kind, T live, IKubernetesObject<V1ObjectMeta>? owner)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (IsOurs(live, owner))
        {
            return;
        }

        var what = $"{kind.Kind} {live.Metadata.NamespaceProperty}/{live.Metadata.Name}";
        throw new ChildNotOwnedException(owner is not null
            ? $"{what} exists and is not controlled by {owner.Kind} {owner.Metadata.Name}; refusing to take it over"
            : $"{what} exists and is not labelled {WellKnown.ManagedByLabel}={WellKnown.ManagedByValue}; refusing to take it over");
    }

    private static async Task<T?> TryReadAsync<T>(IKubernetes client, ChildKind<T> kind, string ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            return await kind.Read(client, ns, name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            return null;
        }
    }
}
