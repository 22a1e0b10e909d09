using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Daalu.KubeApiServer;

/// <summary>
/// One open watch stream. The store offers it every event under its lock (so order and gap-freedom follow from the
/// log); the session filters by namespace and selectors with the real server's semantics (an object that stops
/// matching a selector is sent as DELETED, one that starts matching as ADDED) and queues JSON lines.
/// </summary>
internal sealed class WatchSession
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _stalled;

    // Lines queued while the session is held, sent in order on release (a watch that lags behind the store). Only
    // touched under the store's lock, as every Send is.
    private List<string>? _held;

    public WatchSession(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, bool bookmarks)
    {
        Type = type;
        Namespace = ns;
        Labels = labels;
        Fields = fields;
        AllowBookmarks = bookmarks;
    }

    public ResourceType Type { get; }

    public string? Namespace { get; }

    public LabelSelector Labels { get; }

    public FieldSelector Fields { get; }

    public bool AllowBookmarks { get; }

    public ChannelReader<string> Reader => _lines.Reader;

    public bool Stalled => _stalled;

    public bool Matches(StoredObject obj) =>
        (Namespace is null || obj.Namespace == Namespace) && Labels.Matches(obj.Labels) && Fields.Matches(obj.Node);

    public void Offer(WatchEvent e)
    {
        if (e.Object.Type != Type)
        {
            return;
        }

        var now = Matches(e.Object);
        switch (e.EventType)
        {
            case "MODIFIED":
                var before = e.Old is not null && Matches(e.Old);
                if (now && before)
                {
                    Send("MODIFIED", e.Object.Json);
                }
                else if (now)
                {
                    Send("ADDED", e.Object.Json);
                }
                else if (before)
                {
                    Send("DELETED", e.Object.Json);
                }

                break;
            default:
                if (now)
                {
                    Send(e.EventType, e.Object.Json);
                }

                break;
        }
    }

    public void Send(string eventType, string objectJson)
    {
        if (_stalled)
        {
            return;
        }

        var line = "{\"type\":\"" + eventType + "\",\"object\":" + objectJson + "}";
        if (_held is not null)
        {
            _held.Add(line);
        }
        else
        {
            _lines.Writer.TryWrite(line);
        }
    }

    public void SendBookmark(long rv)
    {
        if (!AllowBookmarks)
        {
            return;
        }

        var bookmark = new JsonObject
        {
            ["kind"] = Type.Kind,
            ["apiVersion"] = Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
        };
        Send("BOOKMARK", JsonText.Write(bookmark));
    }

    /// <summary>Sends the 410 Expired ERROR event and ends the stream, as the real server does for a compacted version.</summary>
    public void Expire(long requested, long oldest)
    {
        var status = StatusObjects.Failure(410, "Expired", $"too old resource version: {requested} ({oldest})", null);
        Send("ERROR", JsonText.Write(status));
        End();
    }

    /// <summary>From now on events (and bookmarks) are kept back, in order, until <see cref="Release"/>: a lagging watch.</summary>
    public void Hold() => _held ??= [];

    /// <summary>Sends everything held, in order, and delivers normally again.</summary>
    public void Release()
    {
        if (_held is null)
        {
            return;
        }

        foreach (var line in _held)
        {
            _lines.Writer.TryWrite(line);
        }

        _held = null;
    }

    /// <summary>From now on nothing is sent, but the stream stays open (a silently stalled connection).</summary>
    public void Stall() => _stalled = true;

    public void End() => _lines.Writer.TryComplete();
}
