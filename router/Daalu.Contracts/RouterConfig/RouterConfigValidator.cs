
namespace Daalu.Contracts.RouterConfig;

/// <summary>
/// Checks a compiled router configuration before it is used. The operator runs it before writing the ConfigMap and
/// the router runs it before swapping a reloaded file in; either way an invalid document never takes effect.
/// </summary>
public static class RouterConfigValidator
{
    private static readonly string[] AllFallThrough =
    [
        FallThroughReasons.ConnectError, FallThroughReasons.Timeout, FallThroughReasons.ServerError,
        FallThroughReasons.TooManyRequests, FallThroughReasons.ModelNotServed, FallThroughReasons.QuotaExceeded,
    ];

    private static readonly string[] AllTiers = [TierNames.OwnGpu, TierNames.Hosted, TierNames.External];

    /// <summary>Every problem found, each a sentence naming the offending item; empty when the configuration is valid.</summary>
    public static IReadOnlyList<string> Validate(RouterConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();
        if (config.Version != 1)
        {
            errors.Add($"version {config.Version} is not supported (expected 1)");
        }

        var tenantNames = Unique(errors, "tenant", config.Tenants.Select(t => t.Name));
        var policyNames = Unique(errors, "policy", config.Policies.Select(p => p.Name));
        var providerNames = Unique(errors, "provider", config.Providers.Select(p => p.Name));
        Unique(errors, "backend", config.Backends.Select(b => b.Name));

        foreach (var t in config.Tenants)
        {
            if (t.Keys.Count == 0)
            {
                errors.Add($"tenant '{t.Name}' has no keys");
            }

            foreach (var k in t.Keys)
            {
                if (string.IsNullOrWhiteSpace(k.File) && string.IsNullOrWhiteSpace(k.Env) && string.IsNullOrEmpty(k.Value))
                {
                    errors.Add($"tenant '{t.Name}' has a key with none of file, env or value");
                }
            }

            if (!string.IsNullOrEmpty(t.Policy) && !policyNames.Contains(t.Policy))
            {
                errors.Add($"tenant '{t.Name}' refers to unknown policy '{t.Policy}'");
            }

            if (t.Plan is { } plan && (plan.MonthlyTokenBudget < 0 || plan.TokensPerMinute < 0 || plan.RequestsPerMinute < 0 || plan.DefaultMaxTokens <= 0))
            {
                errors.Add($"tenant '{t.Name}' plan has a negative limit or a defaultMaxTokens below 1");
            }

            if (t.Role is not null && !Enum.GetNames<Usage.TenantRole>().Contains(t.Role, StringComparer.Ordinal))
            {
                errors.Add($"tenant '{t.Name}' has role '{t.Role}'; expected one of {string.Join(", ", Enum.GetNames<Usage.TenantRole>())}");
            }
        }

        foreach (var b in config.Backends)
        {
            if (b.Tier is not (TierNames.OwnGpu or TierNames.Hosted))
            {
                errors.Add($"backend '{b.Name}' tier '{b.Tier}' must be OwnGpu or Hosted");
            }

            if (!IsHttpUrl(b.Url))
            {
                errors.Add($"backend '{b.Name}' url '{b.Url}' is not an absolute http(s) URL");
            }

            if (b.DcgmExporterUrl is not null && !IsHttpUrl(b.DcgmExporterUrl))
            {
                errors.Add($"backend '{b.Name}' dcgmExporterUrl '{b.DcgmExporterUrl}' is not an absolute http(s) URL");
            }

            if (b.Tier == TierNames.OwnGpu && string.IsNullOrEmpty(b.Tenant))
            {
                errors.Add($"backend '{b.Name}' is OwnGpu and needs a tenant");
            }

            if (!string.IsNullOrEmpty(b.Tenant) && !tenantNames.Contains(b.Tenant))
            {
                errors.Add($"backend '{b.Name}' refers to unknown tenant '{b.Tenant}'");
            }

            if (b.Purpose is not (ModelPurposes.General or ModelPurposes.Coding))
            {
                errors.Add($"backend '{b.Name}' purpose '{b.Purpose}' must be general or coding");
            }

            if (b.Capability is < 1 or > 3)
            {
                errors.Add($"backend '{b.Name}' capability {b.Capability} must be 1, 2 or 3");
            }

            if (b.RevenueSharePercent is < 0 or > 100)
            {
                errors.Add($"backend '{b.Name}' revenueSharePercent {b.RevenueSharePercent} must be 0..100");
            }
        }

        foreach (var p in config.Providers)
        {
            if (p.ApiStyle is not (ApiStyles.OpenAI or ApiStyles.Anthropic))
            {
                errors.Add($"provider '{p.Name}' apiStyle '{p.ApiStyle}' must be openai or anthropic");
            }

            if (!IsHttpUrl(p.BaseUrl))
            {
                errors.Add($"provider '{p.Name}' baseUrl '{p.BaseUrl}' is not an absolute http(s) URL");
            }

            if (p.Models.Count == 0)
            {
                errors.Add($"provider '{p.Name}' lists no models");
            }

            foreach (var m in p.Models)
            {
                if (string.IsNullOrWhiteSpace(m.Name))
                {
                    errors.Add($"provider '{p.Name}' has a model without a name");
                }

                if (string.Equals(m.Name, ModelPurposes.Coding, StringComparison.Ordinal) || m.Serves.Contains(ModelPurposes.Coding, StringComparer.Ordinal))
                {
                    errors.Add($"provider '{p.Name}' model '{m.Name}' may not serve the 'coding' alias: coding requests never reach the External tier");
                }
            }
        }

        var defaults = 0;
        foreach (var pol in config.Policies)
        {
            ValidatePolicy(errors, pol, tenantNames, providerNames);
            if (pol.Tenants.Count == 0)
            {
                defaults++;
            }
        }

        if (defaults > 1)
        {
            errors.Add("more than one policy names no tenants (only one default policy is allowed)");
        }

        if (config.Limits.MaxRequestBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add("limits.maxRequestBodyBytes must be between 1 KiB and 1 GiB");
        }

        if (config.Limits.MaxJsonDepth is < 4 or > 1024)
        {
            errors.Add("limits.maxJsonDepth must be between 4 and 1024");
        }

        if (config.Limits.ProbeIntervalMs < 50 || config.Limits.ProbeTimeoutMs < 10)
        {
            errors.Add("limits.probeIntervalMs must be at least 50 and limits.probeTimeoutMs at least 10");
        }

        return errors;
    }

    private static void ValidatePolicy(List<string> errors, PolicyConfig pol, HashSet<string> tenants, HashSet<string> providers)
    {
        var where = $"policy '{pol.Name}'";
        if (pol.Tiers.Count == 0)
        {
            errors.Add($"{where} enables no tiers");
        }

        if (pol.Tiers.Distinct(StringComparer.Ordinal).Count() != pol.Tiers.Count)
        {
            errors.Add($"{where} lists a tier twice");
        }

        foreach (var tier in pol.Tiers.Where(t => !AllTiers.Contains(t)))
        {
            errors.Add($"{where} has unknown tier '{tier}' (OwnGpu, Hosted or External)");
        }

        foreach (var t in pol.Tenants.Where(t => !tenants.Contains(t)))
        {
            errors.Add($"{where} names unknown tenant '{t}'");
        }

        foreach (var p in pol.Providers.Where(p => !providers.Contains(p)))
        {
            errors.Add($"{where} names unknown provider '{p}'");
        }

        foreach (var r in pol.FallThroughOn ?? [])
        {
            if (!AllFallThrough.Contains(r))
            {
                errors.Add($"{where} fallThroughOn has unknown reason '{r}' ({string.Join(", ", AllFallThrough)})");
            }
        }

        for (var i = 0; i < pol.Rules.Count; i++)
        {
            var rule = pol.Rules[i];
            var name = $"{where} rule '{rule.Name ?? "#" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}'";
            if (rule.Action is not (RuleActions.Allow or RuleActions.Deny or RuleActions.Pin))
            {
                errors.Add($"{name} action '{rule.Action}' must be allow, deny or pin");
            }

            if (rule.Tiers.Count == 0 || rule.Tiers.Any(t => !AllTiers.Contains(t)))
            {
                errors.Add($"{name} must name one or more of OwnGpu, Hosted, External");
            }

            if (rule.Action == RuleActions.Pin && rule.Tiers.Count != 1)
            {
                errors.Add($"{name} is a pin rule and must name exactly one tier");
            }

            foreach (var c in rule.RequestClasses.Where(c => !RequestClasses.All.Contains(c)))
            {
                errors.Add($"{name} has unknown request class '{c}'");
            }

            var reachesExternal = rule.Action is RuleActions.Allow or RuleActions.Pin && rule.Tiers.Contains(TierNames.External);
            if (reachesExternal && rule.RequestClasses.Contains(RequestClasses.Coding))
            {
                errors.Add($"{name} would send coding requests to the External tier: coding requests can never reach External; remove 'coding' from its requestClasses or 'External' from its tiers");
            }

            if (rule.Action == RuleActions.Pin && rule.Tiers.Contains(TierNames.External) && rule.RequestClasses.Count == 0)
            {
                errors.Add($"{name} pins every request class, coding included, to the External tier: coding requests can never reach External; list the request classes it is for");
            }
        }

        foreach (var c in pol.Classification)
        {
            if (string.IsNullOrEmpty(c.Tenant) && string.IsNullOrEmpty(c.Model))
            {
                errors.Add($"{where} has a classification rule that matches on neither tenant nor model");
            }

            if (!RequestClasses.All.Contains(c.RequestClass))
            {
                errors.Add($"{where} classification rule assigns unknown request class '{c.RequestClass}'");
            }
        }

        if (!CodeDetectionModes.All.Contains(pol.CodeDetection))
        {
            errors.Add($"{where} codeDetection must be enforce, report or off, not '{pol.CodeDetection}'");
        }

        if (pol.Judge is { Enabled: true } judge)
        {
            if (string.IsNullOrWhiteSpace(judge.Model))
            {
                errors.Add($"{where} judge is enabled but names no model");
            }

            if (judge.ConfidenceBelowPercent is < 1 or > 100 || judge.TimeoutMs is < 10 or > 5000 || judge.QualitySamplePercent is < 0 or > 100 || double.IsNaN(judge.QualitySamplePercent))
            {
                errors.Add($"{where} judge: confidenceBelowPercent must be 1..100, timeoutMs 10..5000 and qualitySamplePercent 0..100");
            }
        }

        if (pol.Saturation.KvCacheUsagePercent is < 1 or > 100 || pol.Saturation.MaxRequestsWaiting < 0)
        {
            errors.Add($"{where} saturation: kvCacheUsagePercent must be 1..100 and maxRequestsWaiting at least 0");
        }

        if (pol.Timeouts.ConnectMs < 1 || pol.Timeouts.FirstByteMs < 1 || pol.Timeouts.StreamIdleMs < 1)
        {
            errors.Add($"{where} timeouts must be positive");
        }

        if (pol.CircuitBreaker.ConsecutiveFailures < 1 || pol.CircuitBreaker.OpenSeconds < 1)
        {
            errors.Add($"{where} circuitBreaker consecutiveFailures and openSeconds must be at least 1");
        }
    }

    private static HashSet<string> Unique(List<string> errors, string kind, IEnumerable<string> names)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            if (string.IsNullOrWhiteSpace(n))
            {
                errors.Add($"a {kind} has no name");
            }
            else if (!set.Add(n))
            {
                errors.Add($"{kind} name '{n}' is used twice");
            }
        }

        return set;
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
