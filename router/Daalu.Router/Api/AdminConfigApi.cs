using Daalu.Contracts.Status;
using Daalu.Router.Configuration;
using Daalu.Router.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.Router.Api;

/// <summary>
/// GET /admin/config: the configuration the router serves with, for the operator and for people. Admin keys only (a
/// tenant marked admin in the configuration), as Bearer or x-api-key like every other call; a tenant key gets 403.
/// </summary>
public static class AdminConfigApi
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapAdminConfigApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/admin/config", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var source = context.RequestServices.GetRequiredService<FileConfigSource>();
        var snapshot = source.Current;
        var auth = context.Request.Headers.Authorization.ToString();
        var key = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : context.Request.Headers["x-api-key"].ToString().Trim();
        var caller = key.Length == 0 ? null : snapshot.Authenticator.Authenticate(key);
        if (caller is null)
        {
            await OpenAIError.WriteAsync(context, StatusCodes.Status401Unauthorized, "authentication_error", "invalid_api_key", "Missing or invalid API key.");
            return;
        }

        if (!caller.Admin)
        {
            await OpenAIError.WriteAsync(context, StatusCodes.Status403Forbidden, "permission_error", "forbidden", "GET /admin/config needs an admin key.");
            return;
        }

        await context.Response.WriteAsJsonAsync(LoadedConfigReport.For(snapshot, source.LastRefused), StatusJsonContext.Default.LoadedConfigDocument, cancellationToken: context.RequestAborted);
    }
}
