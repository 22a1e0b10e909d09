using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// The state of the fake cluster: objects by type, the global resourceVersion counter, the event log that watches
/// replay and the open watches. Every operation runs under one lock, which makes each write atomic and keeps the
/// event order identical for every watcher, like etcd's single revision sequence.
/// The ownerReference garbage collector is incremental: <see cref="Commit"/> keeps indexes (uid -> object, owner uid
/// -> dependent uids, owners waiting for foreground deletion) and queues only the objects that can have become
/// garbage - the dependents of a removed object and an object written with an ownerReference that does not resolve -
/// so a write costs O(its ownerReferences + what it actually collects), never a scan of the whole store.
/// </summary>
internal sealed class ObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, StoredObject>> _objects = [];
    private readonly List<WatchEvent> _history = [];
    private readonly List<WatchSession> _watches = [];
    private readonly Dictionary<string, int> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Rv, List<StoredObject> Items)> _listSnapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredObject> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _foregroundWaiting = new(StringComparer.Ordinal);
    private readonly Queue<string> _gcQueue = new();
    private readonly HashSet<string> _gcQueued = new(StringComparer.Ordinal);
    private readonly KubeApiServerOptions _options;
    private readonly ResourceType _namespaceType;
    private readonly IObjectValidator? _validator;
    private long _rv;
    private long _compactedThrough;
    private int _nextServiceIp = 10;
    private bool _stallNewWatches;
    private readonly HashSet<string> _heldResources = new(StringComparer.Ordinal);
    private bool _holdAll;
    private long _gcChecks;

    public ObjectStore(KubeApiServerOptions options, IReadOnlyList<ResourceType> types, IObjectValidator? validator)
    {
        _options = options;
        _validator = validator;
        foreach (var t in types)
        {
            _objects[t] = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
        }

        _namespaceType = types.First(t => t.Group.Length == 0 && t.Plural == "namespaces");
        foreach (var ns in options.InitialNamespaces)
        {
            Create(_namespaceType, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, new WriteContext("system", null, false));
        }
    }

    /// <summary>How many times the garbage collector has tested one object for being garbage (a work counter for tests).</summary>
    public long GarbageCollectorChecks
    {
        get
        {
            lock (_gate)
            {
                return _gcChecks;
            }
        }
    }

    public long CurrentRv
    {
        get
        {
            lock (_gate)
            {
                return _rv;
            }
        }
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Find(type, ns, name)?.CloneNode() ?? throw ApiError.NotFound(type, name);
        }
    }

    internal StoredObject? Find(ResourceType type, string? ns, string name) =>
        _objects[type].TryGetValue((ns ?? string.Empty) + "/" + name, out var o) ? o : null;

    public JsonObject List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, int limit, string? continueToken)
    {
        lock (_gate)
        {
            long listRv;
            List<StoredObject> items;
            var offset = 0;
            string? snapshotId = null;
            if (!string.IsNullOrEmpty(continueToken))
            {
                (snapshotId, offset) = ParseContinue(continueToken);
                if (!_listSnapshots.TryGetValue(snapshotId, out var snap) || snap.Rv < _compactedThrough)
                {
                    throw new ApiError(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
                }

                (listRv, items) = snap;
            }
            else
            {
                listRv = _rv;
                items = _objects[type].Values.Where(o => (ns is null || o.Namespace == ns) && labels.Matches(o.Labels) && fields.Matches(o.Node)).ToList();
            }

            var page = limit > 0 ? items.Skip(offset).Take(limit).ToList() : items.Skip(offset).ToList();
            var meta = new JsonObject { ["resourceVersion"] = listRv.ToString(CultureInfo.InvariantCulture) };
            if (limit > 0 && offset + page.Count < items.Count)
            {
                if (snapshotId is null)
                {
                    snapshotId = Guid.NewGuid().ToString("N");
                    _listSnapshots[snapshotId] = (listRv, items);
                }

                meta["continue"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(snapshotId + ":" + (offset + page.Count).ToString(CultureInfo.InvariantCulture)));
                meta["remainingItemCount"] = items.Count - offset - page.Count;
            }
            else if (snapshotId is not null)
            {
                _listSnapshots.Remove(snapshotId);
            }

            var array = new JsonArray();
            foreach (var o in page)
            {
                array.Add(o.CloneNode());
            }

            return new JsonObject
            {
                ["kind"] = type.ListKind,
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = meta,
                ["items"] = array,
            };
        }
    }

    private static (string Id, int Offset) ParseContinue(string token)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return (text[..colon], int.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw ApiError.BadRequest("continue key is not valid: illegal base64 data");
        }
    }

    public int CountChanges(string resource, string? ns, string? name)
    {
        lock (_gate)
        {
            return _changes.Where(kv => Matches(kv.Key, resource, ns, name)).Sum(kv => kv.Value);
        }
    }

    private static bool Matches(string key, string resource, string? ns, string? name)
    {
        var parts = key.Split('|');
        return parts[0] == resource && (ns is null || parts[1] == ns) && (name is null || parts[2] == name);
    }

    // ---- writes ---------------------------------------------------------------------------------------------

    public (JsonObject Result, bool Created) Create(ResourceType type, string? ns, JsonObject body, WriteContext ctx)
    {
        lock (_gate)
        {
            var obj = (JsonObject)body.DeepClone();
            var meta = Metadata(obj);
            CheckNamespace(type, ns, meta);
            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta["generateName"]?.GetValue<string>();
                if (string.IsNullOrEmpty(prefix))
                {
                    throw ApiError.Invalid(type, string.Empty, [new FieldCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
                }

                do
                {
                    name = prefix + RandomSuffix();
                }
                while (Find(type, ns, name) is not null);
                meta["name"] = name;
            }

            ValidateName(type, name);
            if (type.Namespaced && _options.RequireNamespaces)
            {
                var nsObj = Find(_namespaceType, null, ns!) ?? throw ApiError.NotFound(_namespaceType, ns!);
                if (nsObj.Node["metadata"]?["deletionTimestamp"] is not null)
                {
                    throw new ApiError(403, "Forbidden", $"{type.GroupResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", StatusObjects.Details(type, name));
                }
            }

            if (Find(type, ns, name) is not null)
            {
                throw ApiError.AlreadyExists(type, name);
            }

            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            meta.Remove("managedFields");
            meta.Remove("selfLink");
            if (type.HasGeneration)
            {
                meta["generation"] = 1L;
            }
            else
            {
                meta.Remove("generation");
            }

            BuiltinBehaviour.PrepareForCreate(type, obj, AllocateServiceIp);
            Admit(type, obj, null, ctx);
            meta = Metadata(obj);
            FieldManagement.Record(type, obj, null, ctx, string.Empty, Now());
            if (ctx.DryRun)
            {
                meta["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture);
                return (obj, true);
            }

            var stored = Commit(type, obj, null, "ADDED");
            CollectGarbage();
            return (stored.CloneNode(), true);
        }
    }

    /// <summary>PUT semantics: the body replaces the object (main resource) or its status (status subresource).</summary>
    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, string? subresource, WriteContext ctx)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name) ?? throw ApiError.NotFound(type, name);
            var bodyMeta = Metadata(body);
            var bodyName = bodyMeta["name"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
            {
                throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            CheckNamespace(type, ns, bodyMeta);
            var bodyRv = bodyMeta["resourceVersion"]?.GetValue<string>();
            if (string.IsNullOrEmpty(bodyRv) && type.IsCustom)
            {
                // Custom resources do not allow unconditional updates (AllowUnconditionalUpdate is false for CRs).
                throw ApiError.Invalid(type, name, [new FieldCause("FieldValueInvalid", "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion")]);
            }

            if (!string.IsNullOrEmpty(bodyRv) && bodyRv != existing.Rv.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiError.Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");
            }

            var bodyUid = bodyMeta["uid"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(bodyUid) && bodyUid != existing.Uid)
            {
                throw ApiError.Conflict(type, name, $"Precondition failed: UID in precondition: {bodyUid}, UID in object meta: {existing.Uid}");
            }

            return Write(type, existing, body, subresource, ctx);
        }
    }

    /// <summary>Read-modify-write under the lock, for PATCH: <paramref name="mutate"/> gets a copy of the current object.</summary>
    public (JsonObject Result, bool Created) Mutate(ResourceType type, string? ns, string name, string? subresource, WriteContext ctx, Func<JsonObject?, JsonObject> mutate)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (existing is null)
            {
                var created = mutate(null);
                if (subresource is not null)
                {
                    throw ApiError.NotFound(type, name);
                }

                return Create(type, ns, created, ctx);
            }

            var patched = mutate(existing.CloneNode());
            var meta = Metadata(patched);
            if (meta["name"]?.GetValue<string>() is { } n && n != name)
            {
                throw ApiError.BadRequest($"the name of the object ({n}) does not match the name on the URL ({name})");
            }

            var rv = meta["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(rv) && rv != existing.Rv.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiError.Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");
            }

            return (Write(type, existing, patched, subresource, ctx), false);
        }
    }

    private JsonObject Write(ResourceType type, StoredObject existing, JsonObject body, string? subresource, WriteContext ctx)
    {
        var old = existing.Node;
        JsonObject next;
        if (subresource == "status")
        {
            next = existing.CloneNode();
            if (body["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }
        else if (subresource is null)
        {
            next = (JsonObject)body.DeepClone();
            if (type.HasStatusSubresource)
            {
                if (old["status"] is { } oldStatus)
                {
                    next["status"] = oldStatus.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }
            }
        }
        else
        {
            throw new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        }

        next["apiVersion"] = type.ApiVersion;
        next["kind"] = type.Kind;
        var meta = Metadata(next);
        var oldMeta = (JsonObject)old["metadata"]!;
        foreach (var systemField in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "managedFields" })
        {
            if (oldMeta[systemField] is { } v)
            {
                meta[systemField] = v.DeepClone();
            }
            else
            {
                meta.Remove(systemField);
            }
        }

        meta.Remove("selfLink");
        meta["resourceVersion"] = existing.Rv.ToString(CultureInfo.InvariantCulture);
        if (oldMeta["deletionTimestamp"] is not null)
        {
            var oldFinalizers = Finalizers(old);
            var added = Finalizers(next).Except(oldFinalizers).ToList();
            if (added.Count > 0)
            {
                throw ApiError.Invalid(type, existing.Name, [new FieldCause("FieldValueForbidden", "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"" + string.Join("\", \"", added) + "\"}", "metadata.finalizers")]);
            }
        }

        BuiltinBehaviour.PrepareForUpdate(type, next, old, AllocateServiceIp);
        Admit(type, next, old, ctx);
        meta = Metadata(next);
        if (type.HasGeneration && SpecChanged(type, old, next))
        {
            meta["generation"] = ReadLong(oldMeta["generation"]) + 1;
        }

        FieldManagement.Record(type, next, old, ctx, subresource ?? string.Empty, Now());
        if (JsonNode.DeepEquals(next, old))
        {
            return existing.CloneNode();
        }

        if (ctx.DryRun)
        {
            return next;
        }

        if (oldMeta["deletionTimestamp"] is not null && Finalizers(next).Count == 0)
        {
            var final = Commit(type, next, existing, "DELETED");
            AfterRemoval(final);
            return final.CloneNode();
        }

        var modified = Commit(type, next, existing, "MODIFIED");
        CollectGarbage();
        return modified.CloneNode();
    }

    public (JsonObject Result, bool Removed) Delete(ResourceType type, string? ns, string name, DeleteRequest request, WriteContext ctx)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name) ?? throw ApiError.NotFound(type, name);
            if (request.Uid is { } uid && uid != existing.Uid)
            {
                throw ApiError.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}");
            }

            if (request.ResourceVersion is { } rv && rv != existing.Rv.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiError.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {existing.Rv}");
            }

            if (ctx.DryRun)
            {
                return (existing.CloneNode(), false);
            }

            if (request.Propagation == "Orphan")
            {
                Orphan(existing);
            }

            if (request.Propagation == "Foreground" && !existing.Deleting && Dependents(existing.Uid).Count > 0)
            {
                var waiting = DeleteForeground(existing);
                CollectGarbage();
                return (waiting.CloneNode(), false);
            }

            var result = DeleteInternal(existing);

            // Orphaning rewrites dependents' ownerReferences; one left with only dangling references is garbage now.
            CollectGarbage();
            return result;
        }
    }

    public JsonObject DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, WriteContext ctx)
    {
        lock (_gate)
        {
            var victims = _objects[type].Values.Where(o => (ns is null || o.Namespace == ns) && labels.Matches(o.Labels) && fields.Matches(o.Node)).ToList();
            var items = new JsonArray();
            foreach (var v in victims)
            {
                items.Add(ctx.DryRun ? v.CloneNode() : DeleteInternal(Find(type, v.Namespace.Length == 0 ? null : v.Namespace, v.Name) ?? v).Result);
            }

            CollectGarbage();

            return new JsonObject
            {
                ["kind"] = type.ListKind,
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture) },
                ["items"] = items,
            };
        }
    }

    private (JsonObject Result, bool Removed) DeleteInternal(StoredObject existing)
    {
        var type = existing.Type;
        if (existing.Node["metadata"]?["deletionTimestamp"] is not null)
        {
            return (existing.CloneNode(), false);
        }

        if (type == _namespaceType)
        {
            var terminating = existing.CloneNode();
            var meta = Metadata(terminating);
            meta["deletionTimestamp"] = Now();
            meta["deletionGracePeriodSeconds"] = 0;
            terminating["status"] = new JsonObject { ["phase"] = "Terminating" };
            var marked = Commit(type, terminating, existing, "MODIFIED");
            foreach (var (t, objects) in _objects)
            {
                if (!t.Namespaced)
                {
                    continue;
                }

                foreach (var child in objects.Values.Where(o => o.Namespace == existing.Name).ToList())
                {
                    DeleteInternal(child);
                }
            }

            return FinishNamespaceIfEmpty(existing.Name) is { } done ? (done.CloneNode(), true) : (marked.CloneNode(), false);
        }

        if (Finalizers(existing.Node).Count > 0)
        {
            var pending = existing.CloneNode();
            var meta = Metadata(pending);
            meta["deletionTimestamp"] = Now();
            meta["deletionGracePeriodSeconds"] = 0;
            if (type.HasGeneration)
            {
                meta["generation"] = ReadLong(meta["generation"]) + 1;
            }

            return (Commit(type, pending, existing, "MODIFIED").CloneNode(), false);
        }

        var removed = Commit(type, existing.CloneNode(), existing, "DELETED");
        AfterRemoval(removed);
        return (removed.CloneNode(), true);
    }

    /// <summary>The stored objects with an ownerReference to <paramref name="ownerUid"/>, from the index, in a stable order.</summary>
    private List<StoredObject> Dependents(string ownerUid) =>
        _dependents.TryGetValue(ownerUid, out var uids)
            ? uids.Select(u => _byUid[u]).OrderBy(o => o.Type.Plural, StringComparer.Ordinal).ThenBy(o => o.Key, StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// Foreground propagation: the owner gets deletionTimestamp and the <c>foregroundDeletion</c> finalizer, its
    /// dependents are deleted, and the owner goes once no dependent with blockOwnerDeletion remains.
    /// </summary>
    private StoredObject DeleteForeground(StoredObject owner)
    {
        var pending = owner.CloneNode();
        var meta = Metadata(pending);
        meta["deletionTimestamp"] = Now();
        meta["deletionGracePeriodSeconds"] = 0;
        var finalizers = Finalizers(pending);
        finalizers.Add("foregroundDeletion");
        meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray());
        if (owner.Type.HasGeneration)
        {
            meta["generation"] = ReadLong(meta["generation"]) + 1;
        }

        var marked = Commit(owner.Type, pending, owner, "MODIFIED");
        foreach (var dependent in Dependents(owner.Uid))
        {
            if (Find(dependent.Type, dependent.Namespace.Length == 0 ? null : dependent.Namespace, dependent.Name) is { } current)
            {
                DeleteInternal(current);
            }
        }

        FinishForegroundDeletions();
        return Find(owner.Type, owner.Namespace.Length == 0 ? null : owner.Namespace, owner.Name) ?? marked;
    }

    private void FinishForegroundDeletions()
    {
        if (_foregroundWaiting.Count == 0)
        {
            return;
        }

        foreach (var uid in _foregroundWaiting.Order(StringComparer.Ordinal).ToList())
        {
            // Re-read: finishing one owner can cascade into another earlier in this loop.
            if (!_byUid.TryGetValue(uid, out var owner) || !IsForegroundWaiting(owner))
            {
                continue;
            }

            var blocked = Dependents(owner.Uid).Any(d => d.Node["metadata"]!["ownerReferences"]!.AsArray()
                .Any(r => r?["uid"]?.GetValue<string>() == owner.Uid && r["blockOwnerDeletion"]?.GetValue<bool>() == true));
            if (blocked)
            {
                continue;
            }

            var next = owner.CloneNode();
            var rest = Finalizers(next).Where(f => f != "foregroundDeletion").ToList();
            if (rest.Count == 0)
            {
                Metadata(next).Remove("finalizers");
                AfterRemoval(Commit(owner.Type, next, owner, "DELETED"));
            }
            else
            {
                Metadata(next)["finalizers"] = new JsonArray(rest.Select(f => (JsonNode)f).ToArray());
                Commit(owner.Type, next, owner, "MODIFIED");
            }
        }
    }

    private void AfterRemoval(StoredObject removed)
    {
        if (removed.Type.Namespaced && removed.Namespace.Length > 0)
        {
            FinishNamespaceIfEmpty(removed.Namespace);
        }

        CollectGarbage();
        FinishForegroundDeletions();
    }

    private StoredObject? FinishNamespaceIfEmpty(string ns)
    {
        var nsObj = Find(_namespaceType, null, ns);
        if (nsObj is null || nsObj.Node["metadata"]?["deletionTimestamp"] is null || Finalizers(nsObj.Node).Count > 0)
        {
            return null;
        }

        if (_objects.Any(kv => kv.Key.Namespaced && kv.Value.Values.Any(o => o.Namespace == ns)))
        {
            return null;
        }

        return Commit(_namespaceType, nsObj.CloneNode(), nsObj, "DELETED");
    }

    private void Orphan(StoredObject owner)
    {
        foreach (var dependent in Dependents(owner.Uid))
        {
            var refs = (JsonArray)dependent.Node["metadata"]!["ownerReferences"]!;
            var next = dependent.CloneNode();
            var kept = new JsonArray(refs.Where(r => r?["uid"]?.GetValue<string>() != owner.Uid).Select(r => r!.DeepClone()).ToArray());
            if (kept.Count == 0)
            {
                Metadata(next).Remove("ownerReferences");
            }
            else
            {
                Metadata(next)["ownerReferences"] = kept;
            }

            Commit(dependent.Type, next, dependent, "MODIFIED");
        }
    }

    /// <summary>
    /// The garbage collector's background propagation: an object whose ownerReferences all point at objects that
    /// no longer exist (or, for a namespaced owner, not in the dependent's namespace) is deleted. Only the queued
    /// candidates are tested (see <see cref="Index"/> and <see cref="Commit"/>); deleting one queues its own
    /// dependents, so chains cascade. Candidates queued while the collector is off stay queued until it is on again.
    /// </summary>
    private void CollectGarbage()
    {
        if (!_options.GarbageCollection)
        {
            return;
        }

        // Re-entrant: a deletion below runs AfterRemoval, which drains the same queue.
        while (_gcQueue.TryDequeue(out var uid))
        {
            _gcQueued.Remove(uid);
            if (_byUid.TryGetValue(uid, out var candidate) && IsGarbage(candidate))
            {
                DeleteInternal(candidate);
            }
        }
    }

    private bool IsGarbage(StoredObject o)
    {
        _gcChecks++;
        return !o.Deleting
            && o.OwnerUids.Count > 0
            && o.OwnerUids.All(uid => !(_byUid.TryGetValue(uid, out var owner) && (!owner.Type.Namespaced || owner.Namespace == o.Namespace)));
    }

    private void EnqueueForCollection(string uid)
    {
        if (_gcQueued.Add(uid))
        {
            _gcQueue.Enqueue(uid);
        }
    }

    private static bool IsForegroundWaiting(StoredObject o) => o.Deleting && Finalizers(o.Node).Contains("foregroundDeletion");

    /// <summary>Adds a stored version to the indexes and queues it for collection if it is garbage already.</summary>
    private void Index(StoredObject o)
    {
        _byUid[o.Uid] = o;
        foreach (var owner in o.OwnerUids.Distinct(StringComparer.Ordinal))
        {
            if (!_dependents.TryGetValue(owner, out var set))
            {
                _dependents[owner] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(o.Uid);
        }

        if (IsForegroundWaiting(o))
        {
            _foregroundWaiting.Add(o.Uid);
        }

        // Owners are never created after their dependents (uids are assigned here), namespaces never change and a
        // deletionTimestamp is never cleared, so an object that is not garbage now can only become garbage when an
        // owner is removed (queued in Commit) or its ownerReferences are rewritten (indexed again).
        if (o.OwnerUids.Count > 0 && IsGarbage(o))
        {
            EnqueueForCollection(o.Uid);
        }
    }

    private void Unindex(StoredObject o)
    {
        _byUid.Remove(o.Uid);
        foreach (var owner in o.OwnerUids)
        {
            if (_dependents.TryGetValue(owner, out var set) && set.Remove(o.Uid) && set.Count == 0)
            {
                _dependents.Remove(owner);
            }
        }

        _foregroundWaiting.Remove(o.Uid);
    }

    private StoredObject Commit(ResourceType type, JsonObject obj, StoredObject? previous, string eventType)
    {
        _rv++;
        Metadata(obj)["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture);
        var stored = new StoredObject(type, obj);
        var map = _objects[type];

        // Unindex what is stored now, not the caller's 'previous', which can be stale after a cascade.
        if (map.TryGetValue(stored.Key, out var current))
        {
            Unindex(current);
        }

        if (eventType == "DELETED")
        {
            map.Remove(stored.Key);
            foreach (var dependent in Dependents(stored.Uid))
            {
                EnqueueForCollection(dependent.Uid);
            }
        }
        else
        {
            map[stored.Key] = stored;
            Index(stored);
        }

        var changeKey = type.Plural + "|" + stored.Namespace + "|" + stored.Name;
        _changes[changeKey] = _changes.GetValueOrDefault(changeKey) + 1;
        var e = new WatchEvent(_rv, eventType, stored, previous);
        _history.Add(e);
        if (_history.Count > _options.HistoryLimit)
        {
            var drop = _history.Count - _options.HistoryLimit;
            _compactedThrough = _history[drop - 1].Rv;
            _history.RemoveRange(0, drop);
        }

        foreach (var w in _watches)
        {
            w.Offer(e);
        }

        return stored;
    }

    // ---- watches --------------------------------------------------------------------------------------------

    /// <summary>Registers a watch and queues its initial events: the current state for rv ""/"0", else the log after rv.</summary>
    public WatchSession Watch(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, bool bookmarks, string? resourceVersion)
    {
        lock (_gate)
        {
            var session = new WatchSession(type, ns, labels, fields, bookmarks);
            if (_stallNewWatches)
            {
                session.Stall();
            }

            if (_holdAll || _heldResources.Contains(type.Plural))
            {
                session.Hold();
            }

            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var o in _objects[type].Values)
                {
                    if (session.Matches(o))
                    {
                        session.Send("ADDED", o.Json);
                    }
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw ApiError.BadRequest($"invalid resource version: {resourceVersion}");
                }

                if (from < _compactedThrough)
                {
                    session.Expire(from, _compactedThrough + 1);
                    return session;
                }

                foreach (var e in _history)
                {
                    if (e.Rv > from)
                    {
                        session.Offer(e);
                    }
                }
            }

            _watches.Add(session);
            return session;
        }
    }

    public void Unwatch(WatchSession session)
    {
        lock (_gate)
        {
            _watches.Remove(session);
        }
    }

    public int OpenWatchCount(string? resource)
    {
        lock (_gate)
        {
            return _watches.Count(w => resource is null || w.Type.Plural == resource);
        }
    }

    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var w in _watches)
            {
                w.SendBookmark(_rv);
            }
        }
    }

    public void DropWatches(string? resource)
    {
        lock (_gate)
        {
            foreach (var w in _watches.Where(w => resource is null || w.Type.Plural == resource).ToList())
            {
                w.End();
                _watches.Remove(w);
            }
        }
    }

    public void StallWatches(string? resource, bool alsoNew)
    {
        lock (_gate)
        {
            foreach (var w in _watches.Where(w => resource is null || w.Type.Plural == resource))
            {
                w.Stall();
            }

            _stallNewWatches = alsoNew;
        }
    }

    public void HoldWatches(string? resource)
    {
        lock (_gate)
        {
            if (resource is null)
            {
                _holdAll = true;
            }
            else
            {
                _heldResources.Add(resource);
            }

            foreach (var w in _watches.Where(w => resource is null || w.Type.Plural == resource))
            {
                w.Hold();
            }
        }
    }

    public void ReleaseWatches(string? resource)
    {
        lock (_gate)
        {
            if (resource is null)
            {
                _holdAll = false;
                _heldResources.Clear();
            }
            else
            {
                _heldResources.Remove(resource);
            }

            foreach (var w in _watches.Where(w => (resource is null || w.Type.Plural == resource) && !_holdAll && !_heldResources.Contains(w.Type.Plural)))
            {
                w.Release();
            }
        }
    }

    public void ResumeNewWatches()
    {
        lock (_gate)
        {
            _stallNewWatches = false;
        }
    }

    public long Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _rv;
            _history.Clear();
            _listSnapshots.Clear();
            return _rv;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private void Admit(ResourceType type, JsonObject obj, JsonObject? old, WriteContext ctx)
    {
        var causes = new List<FieldCause>();
        if (type.IsCustom && _validator is not null)
        {
            causes.AddRange(_validator.Admit(type, obj, old, ctx.StrictFields));
            var unknown = causes.Where(c => c.Message.StartsWith("unknown field ", StringComparison.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                throw ApiError.BadRequest("strict decoding error: " + string.Join(", ", unknown.Select(c => c.Message)));
            }
        }

        if (_options.ValidateBuiltinObjects)
        {
            if (!type.IsCustom && BuiltinValidation.DecodeError(type, obj) is { } undecodable)
            {
                throw ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {undecodable}");
            }

            causes.AddRange(BuiltinValidation.Validate(type, obj, old));
        }

        if (!type.IsCustom && _options.CheckOpenApiSchemas && OpenApiSchemaChecker.Shared is { } schemas)
        {
            // A field the server's own validation already refused keeps that (real-worded) cause only.
            var refused = causes.Select(c => c.Field).ToHashSet(StringComparer.Ordinal);
            causes.AddRange(schemas.Check(obj).Where(c => !refused.Contains(c.Field)));
        }

        if (causes.Count > 0)
        {
            throw ApiError.Invalid(type, obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty, causes);
        }
    }

    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject next)
    {
        static JsonObject Strip(JsonObject o, bool dropStatus)
        {
            var copy = (JsonObject)o.DeepClone();
            copy.Remove("metadata");
            if (dropStatus)
            {
                copy.Remove("status");
            }

            return copy;
        }

        return !JsonNode.DeepEquals(Strip(old, type.HasStatusSubresource), Strip(next, type.HasStatusSubresource));
    }

    internal static long ReadLong(JsonNode? node) =>
        node is null ? 0 : long.Parse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    internal static List<string> Finalizers(JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray a ? a.Select(f => f?.GetValue<string>() ?? string.Empty).ToList() : [];

    internal static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }

        meta = [];
        obj["metadata"] = meta;
        return meta;
    }

    private static void CheckNamespace(ResourceType type, string? ns, JsonObject meta)
    {
        var bodyNs = meta["namespace"]?.GetValue<string>();
        if (type.Namespaced)
        {
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }
    }

    // The real server reports name errors together with the rest of validation; here they come first, before the
    // namespace and existence checks, which is what a client sees for an object whose only fault is its name.
    private void ValidateName(ResourceType type, string name)
    {
        var messages = _options.ValidateBuiltinObjects
            ? BuiltinValidation.ValidateName(type, name)
            : ApimachineryValidation.IsDns1123Subdomain(name);
        if (messages.Count > 0)
        {
            throw ApiError.Invalid(type, name, messages.Select(m => FieldErrors.Invalid("metadata.name", name, m)).ToList());
        }
    }

    private string Now() => _options.TimeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private string AllocateServiceIp()
    {
        var n = _nextServiceIp++;
        return string.Create(CultureInfo.InvariantCulture, $"10.96.{n / 250}.{(n % 250) + 1}");
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }
}
