namespace Daalu.Operator.Routing;

/// <summary>Condition types, phases and reasons the RoutingPolicy and TenantQuota reconcilers write.</summary>
public static class RoutingReasons
{
    /// <summary>Condition: the policy is part of the compiled configuration.</summary>
    public const string AcceptedCondition = "Accepted";

    /// <summary>Condition: the router reports the configuration hash that was last written.</summary>
    public const string ConfigLoadedCondition = "ConfigLoaded";

    /// <summary>Condition: some inputs (ModelServings, TenantQuotas) could not be used and are left out.</summary>
    public const string DegradedCondition = "Degraded";

    /// <summary>Condition: the router runs the replicas asked for (False: only one, shared stores are missing).</summary>
    public const string RouterReplicasCondition = "RouterReplicas";

    /// <summary>Reason: the requested replicas run.</summary>
    public const string ReplicasAsRequested = "AsRequested";

    /// <summary>Reason: more than one replica was asked for without Redis and a PostgreSQL ledger; one runs.</summary>
    public const string SharedStoresMissing = "SharedStoresMissing";

    /// <summary>Reason: inputs are left out; the message lists them.</summary>
    public const string InputsLeftOut = "InputsLeftOut";

    /// <summary>Reason: nothing is left out.</summary>
    public const string AllInputsUsed = "AllInputsUsed";

    /// <summary>Phase of a policy in the configuration.</summary>
    public const string PhaseAccepted = "Accepted";

    /// <summary>Phase of a policy refused by the operator.</summary>
    public const string PhaseInvalid = "Invalid";

    /// <summary>Reason: valid and compiled.</summary>
    public const string Valid = "Valid";

    /// <summary>Reason: a provider's key Secret or key is missing.</summary>
    public const string ProviderKeySecretMissing = "ProviderKeySecretMissing";

    /// <summary>Reason: a referenced Secret lives outside the router's namespace, so the router cannot mount it.</summary>
    public const string SecretNotInRouterNamespace = "SecretNotInRouterNamespace";

    /// <summary>Reason: a tenant is named by an earlier policy too.</summary>
    public const string TenantConflict = "TenantConflict";

    /// <summary>Reason: another policy already names no tenants (the default).</summary>
    public const string DefaultPolicyConflict = "DefaultPolicyConflict";

    /// <summary>Reason: the policy names the operator's reserved tenant.</summary>
    public const string ReservedTenant = "ReservedTenant";

    /// <summary>Reason: the compiled policy fails the router's own validation.</summary>
    public const string ConfigInvalid = "ConfigInvalid";

    /// <summary>Reason: the router reports the written hash.</summary>
    public const string Loaded = "Loaded";

    /// <summary>Reason: the router reports an older hash (it reloads within seconds).</summary>
    public const string Pending = "Pending";

    /// <summary>Reason: the router could not be asked.</summary>
    public const string RouterUnreachable = "RouterUnreachable";

    /// <summary>Condition on a TenantQuota: its tenant is in the router configuration.</summary>
    public const string ReadyCondition = "Ready";

    /// <summary>Reason: the tenant's keys are mounted and the tenant is configured.</summary>
    public const string TenantConfigured = "TenantConfigured";

    /// <summary>Reason: none of the tenant's key Secrets exist (or they lack the key).</summary>
    public const string KeySecretMissing = "KeySecretMissing";

    /// <summary>Reason: an earlier TenantQuota already declares the tenant.</summary>
    public const string DuplicateTenant = "DuplicateTenant";

    /// <summary>Condition on a TenantQuota: the hosted budget of the period is used up.</summary>
    public const string QuotaExceededCondition = "QuotaExceeded";

    /// <summary>Reason: no tokens left this period.</summary>
    public const string BudgetExhausted = "BudgetExhausted";

    /// <summary>Reason: fewer tokens left than a request without max_tokens reserves.</summary>
    public const string BelowDefaultReservation = "BelowDefaultReservation";

    /// <summary>Reason: tokens left this period.</summary>
    public const string WithinBudget = "WithinBudget";

    /// <summary>Reason: the tenant is not enrolled, or in shadow mode, so nothing is refused.</summary>
    public const string NotEnforced = "NotEnforced";

    /// <summary>Condition on a TenantQuota: usage could be read from the router.</summary>
    public const string UsageAvailableCondition = "UsageAvailable";

    /// <summary>Reason: usage read.</summary>
    public const string UsageRead = "UsageRead";
}
