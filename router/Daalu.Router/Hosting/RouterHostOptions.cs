using Daalu.Gateway;
using Daalu.Router.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.Router.Hosting;

/// <summary>How to start a router (Program.cs, tests, benchmarks).</summary>
public sealed class RouterHostOptions
{
    /// <summary>The configuration file (YAML or JSON).</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Listen URL(s); port 0 picks a free port (see <see cref="RunningRouter.BaseUrl"/>).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Clock for circuit breakers and metering; System when null.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Random source for power-of-two choices (must be thread-safe); Random.Shared when null.</summary>
    public Random? Random { get; init; }

    /// <summary>Builds the per-snapshot authenticator; the gateway's HashedKeyAuthenticator when null.</summary>
    public TenantAuthenticatorFactory? Authenticator { get; init; }

    /// <summary>Register the gateway (SQLite ledger, in-memory or Redis quota gate). Off when the caller registers its own IQuotaGate/IMeteringSink.</summary>
    public bool UseGateway { get; init; } = true;

    /// <summary>Gateway settings when <see cref="UseGateway"/> is on.</summary>
    public GatewayOptions Gateway { get; init; } = new();

    /// <summary>Extra service registrations, applied last (they win).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>With Redis configured: how long startup waits for Redis to answer before serving anyway.</summary>
    public TimeSpan QuotaStoreWarmUp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the config file is re-read even without a change notification.</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
