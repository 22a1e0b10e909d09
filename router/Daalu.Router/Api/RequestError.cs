namespace Daalu.Router.Api;

/// <summary>A request refused before any upstream call: status, OpenAI error type/code, message, offending param.</summary>
public sealed record RequestError(int Status, string Type, string Code, string Message, string? Param = null)
{
    /// <summary>400 invalid_request_error.</summary>
    public static RequestError Invalid(string message, string? param = null, string code = "invalid_value") => new(400, "invalid_request_error", code, message, param);
}
