using System.Globalization;
using Daalu.Gateway.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.Gateway.Usage;

/// <summary>
/// GET /v1/usage. The router authenticates first and hands the gateway the caller's <see cref="TenantIdentity"/>.
/// Query: <c>days</c> (1..366, default 30), <c>tenant</c> (admin keys only; a tenant key naming another tenant gets 403).
/// Errors are OpenAI-shaped: <c>{"error":{"message","type","param","code"}}</c>.
/// </summary>
public static class UsageApi
{
    /// <summary>
    /// Maps GET /v1/usage. <paramref name="identityOf"/> returns the identity the router's auth step attached to the
    /// request (null = not authenticated, answered 401). Needs <see cref="UsageQueryService"/> in DI (AddDaaluGateway).
    /// </summary>
    public static RouteHandlerBuilder MapUsageApi(this IEndpointRouteBuilder endpoints, Func<HttpContext, TenantIdentity?> identityOf)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(identityOf);
        return endpoints.MapGet("/v1/usage", (HttpContext context) =>
        {
            var caller = identityOf(context);
            return caller is null
                ? Error(StatusCodes.Status401Unauthorized, "Missing or invalid API key.", "authentication_error", null, "invalid_api_key")
                : Handle(context, caller);
        });
    }

    /// <summary>Answers one usage request for an authenticated <paramref name="caller"/>. Use it when the router maps the route itself.</summary>
    public static IResult Handle(HttpContext context, TenantIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        var service = context.RequestServices.GetRequiredService<UsageQueryService>();
        var days = 30;
        var daysText = context.Request.Query["days"].ToString();
        if (daysText.Length > 0 &&
            (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days < 1 || days > UsageQueryService.MaxDays))
        {
            return Error(StatusCodes.Status400BadRequest,
                string.Create(CultureInfo.InvariantCulture, $"days must be an integer between 1 and {UsageQueryService.MaxDays}."),
                "invalid_request_error", "days", "invalid_value");
        }

        var tenant = context.Request.Query["tenant"].ToString();
        try
        {
            return Results.Json(service.Query(new UsageQuery(caller, days, tenant.Length == 0 ? null : tenant)), UsageJsonContext.Default.UsageReport);
        }
        catch (UnauthorizedAccessException ex)
        {
            // Same answer whether or not the other tenant exists: nothing is revealed about it.
            return Error(StatusCodes.Status403Forbidden, ex.Message, "permission_error", "tenant", "forbidden");
        }
    }

    private static IResult Error(int status, string message, string type, string? param, string code) =>
        Results.Json(new UsageErrorBody(new UsageErrorDetail(message, type, param, code)), UsageJsonContext.Default.UsageErrorBody, statusCode: status);
}
