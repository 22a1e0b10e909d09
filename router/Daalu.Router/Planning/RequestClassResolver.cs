using Daalu.Contracts;
using Daalu.Router.Configuration;

namespace Daalu.Router.Planning;

/// <summary>Decides a request's class: the X-Daalu-Request-Class header, else the policy's classification rules, else chat.</summary>
public static class RequestClassResolver
{
    /// <summary>The class, or null when the header carries an unknown value (a 400 for the caller).</summary>
    public static string? Resolve(string? header, TenantRuntime tenant, string model)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        // Asking for the coding alias is a coding request whatever the header says, so it can never leak outside.
        if (model == ModelAliases.Coding)
        {
            return string.IsNullOrEmpty(header) || header == RequestClasses.Coding || RequestClasses.All.Contains(header) ? RequestClasses.Coding : null;
        }

        if (!string.IsNullOrEmpty(header))
        {
            return RequestClasses.All.Contains(header) ? header : null;
        }

        foreach (var rule in tenant.Policy.Config.Classification)
        {
            var tenantOk = string.IsNullOrEmpty(rule.Tenant) || rule.Tenant == tenant.Name;
            var modelOk = string.IsNullOrEmpty(rule.Model) || ModelMatch.Matches(rule.Model, model);
            if (tenantOk && modelOk)
            {
                return rule.RequestClass;
            }
        }

        return RequestClasses.Chat;
    }
}
