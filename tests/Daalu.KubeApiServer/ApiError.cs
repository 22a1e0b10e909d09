using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>A request failure carried to the HTTP layer, rendered as a Kubernetes <c>Status</c> object.</summary>
internal sealed class ApiError : Exception
{
    public ApiError(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public ApiError()
        : this(500, "InternalError", "internal error")
    {
    }

    public ApiError(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiError(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    public int Code { get; }

    public string Reason { get; } = "InternalError";

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => StatusObjects.Failure(Code, Reason, Message, Details);

    public static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", StatusObjects.Details(type, name));

    public static ApiError AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", StatusObjects.Details(type, name));

    public static ApiError Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {why}", StatusObjects.Details(type, name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError Invalid(ResourceType type, string name, IReadOnlyList<FieldCause> causes)
    {
        var details = StatusObjects.Details(type, name);
        var array = new JsonArray();
        foreach (var c in causes)
        {
            array.Add(new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field });
        }

        details["causes"] = array;
        var kind = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
        var joined = string.Join(", ", causes.Select(c => c.Field.Length == 0 ? c.Message : $"{c.Field}: {c.Message}"));
        var message = causes.Count == 1
            ? $"{kind} \"{name}\" is invalid: {joined}"
            : $"{kind} \"{name}\" is invalid: [{joined}]";
        return new ApiError(422, "Invalid", message, details);
    }
}
