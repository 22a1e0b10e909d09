using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Daalu.Router.Forwarding;

/// <summary>OpenAI-shaped error responses: {"error":{"message","type","param","code"}}.</summary>
public static class OpenAIError
{
    /// <summary>Writes an error as the whole response.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string type, string? code, string message, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Build(type, code, message, param), context.RequestAborted);
    }

    /// <summary>The error body bytes.</summary>
    public static byte[] Build(string type, string? code, string message, string? param = null)
    {
        using var ms = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            if (param is null)
            {
                w.WriteNull("param");
            }
            else
            {
                w.WriteString("param", param);
            }

            if (code is null)
            {
                w.WriteNull("code");
            }
            else
            {
                w.WriteString("code", code);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }
}
