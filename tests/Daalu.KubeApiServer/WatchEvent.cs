namespace Daalu.KubeApiServer;

/// <summary>One entry of the event log that watches replay: the committed object and, for MODIFIED, its previous version.</summary>
internal sealed record WatchEvent(long Rv, string EventType, StoredObject Object, StoredObject? Old);
