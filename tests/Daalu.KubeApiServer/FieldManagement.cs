using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>Field ownership per object and manager (server-side apply bookkeeping).</summary>
internal sealed class FieldManagement
{
    public static void Record(ResourceType type, JsonObject next, JsonObject? old, WriteContext ctx)
    {
        _ = type;
        _ = next;
        _ = old;
        _ = ctx;
    }

    public static void Forget(string uid) => _ = uid;
}
