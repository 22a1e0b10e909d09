using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Informers;

/// <summary>
/// Connects the operator's API client to its informers, so that a reconcile reads what the operator itself just wrote
/// even when the watch has not delivered it yet (see <see cref="Informer{T}"/>). The client's pipeline gets a handler
/// from <see cref="CreateHandler"/>; every informer is <see cref="Register{T}">registered</see>. Each successful
/// create, update or patch of a registered resource (the object or its <c>/status</c>) then hands the object the API
/// server returned to that resource's informers, and each successful delete drops what they held of it. Every write the
/// operator makes goes through that one client (status writer, finalizers, the reconcilers' own child writes), so
/// none of them has to do anything. <c>AddDaaluOperator</c> wires both.
/// </summary>
public sealed class ReadYourWrites
{
    private readonly ConcurrentDictionary<(string Group, string Plural), IWrittenObjectSink[]> _sinks = new();

    /// <summary>Lets <paramref name="informer"/> see the writes to its resource; kinds without <c>[KubernetesEntity]</c> are skipped.</summary>
    public void Register<T>(Informer<T> informer)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(informer);
        IWrittenObjectSink sink = informer;
        ResourceInfo resource;
        try
        {
            resource = sink.Resource;
        }
        catch (InvalidOperationException)
        {
            // No [KubernetesEntity]: nothing tells which URLs write this kind, so its cache is only as fresh as its watch.
            return;
        }

        _sinks.AddOrUpdate((resource.Group, resource.Plural), _ => [sink], (_, sinks) => [.. sinks, sink]);
    }

    /// <summary>A new handler for one client's pipeline (<c>new Kubernetes(config, readYourWrites.CreateHandler())</c>).</summary>
    public DelegatingHandler CreateHandler() => new ReadYourWritesHandler(this);

    internal IWrittenObjectSink[]? Find(string group, string plural) => _sinks.GetValueOrDefault((group, plural));
}
