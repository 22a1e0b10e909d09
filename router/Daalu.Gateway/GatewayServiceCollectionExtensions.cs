using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Redis;
using Daalu.Gateway.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Daalu.Gateway;

/// <summary>Registers the gateway's services for the router.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// The host's shutdown budget with parking on: requests draining, the last flush (<see cref="GatewayOptions.ShutdownFlushTimeout"/>,
    /// 10 s) and parking (a few <see cref="GatewayOptions.ParkingTimeout"/> calls). The operator's StatefulSet gives the pod 45 s.
    /// </summary>
    public static readonly TimeSpan MinShutdownTimeout = TimeSpan.FromSeconds(40);

    /// <summary>
    /// Registers <see cref="GatewayOptions"/>, <see cref="TimeProvider"/> (System, unless one is registered),
    /// <see cref="ILedgerStore"/> (PostgreSQL when <see cref="GatewayOptions.PostgresConnectionString"/> is set, shared by
    /// every replica; else the SQLite file), <see cref="IMeteringSink"/> (the local outbox flushed into that store, also a
    /// hosted service that flushes it; it batches commits by the <see cref="CallsInFlight"/> the router counts),
    /// <see cref="IQuotaGate"/> (Redis when <see cref="GatewayOptions.RedisUrl"/> is set, else in-process, seeded with
    /// the period's spend from the ledger), <see cref="UsageQueryService"/> and <see cref="IUsageDirectory"/> (a
    /// <see cref="StaticUsageDirectory"/> the router fills with <c>Update</c>, unless it registered its own
    /// <see cref="IUsageDirectory"/> before this call). The router registers its own
    /// <see cref="ITenantAuthenticator"/> (a <see cref="HashedKeyAuthenticator"/> built from its tenants' keys).
    /// </summary>
    public static IServiceCollection AddDaaluGateway(this IServiceCollection services, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.TryAddSingleton<CallsInFlight>();

        // The ledger table: the shared PostgreSQL one when configured (every replica writes and reads it), else the
        // embedded SQLite file. The outbox in front of it is always local to this process.
        services.AddSingleton<ILedgerStore>(_ => string.IsNullOrWhiteSpace(options.PostgresConnectionString)
            ? new SqliteLedgerStore(options)
            : new Postgres.PostgresLedgerStore(options.PostgresConnectionString));
        if (options.ParkOutboxAtShutdown)
        {
            // A replica that stops while PostgreSQL is down parks its outbox in Redis for the others to write; the host
            // gives the stop room for the bounded flush attempt and the parking after requests drained.
            services.AddSingleton<IOutboxParking>(_ => new RedisOutboxParking(options));
            services.Configure<HostOptions>(o => o.ShutdownTimeout = o.ShutdownTimeout < MinShutdownTimeout ? MinShutdownTimeout : o.ShutdownTimeout);
        }

        services.AddSingleton<SqliteLedger>();
        services.AddSingleton<IMeteringSink>(sp => sp.GetRequiredService<SqliteLedger>());
        services.AddHostedService(sp => sp.GetRequiredService<SqliteLedger>());
        services.TryAddSingleton<StaticUsageDirectory>();
        services.TryAddSingleton<IUsageDirectory>(sp => sp.GetRequiredService<StaticUsageDirectory>());
        services.AddSingleton<UsageQueryService>();
        if (string.IsNullOrWhiteSpace(options.RedisUrl))
        {
            services.AddSingleton<IQuotaGate>(sp =>
            {
                var ledger = sp.GetRequiredService<SqliteLedger>();
                return new InMemoryQuotaGate(sp.GetRequiredService<TimeProvider>(), ledger.HostedTokensSpent, options.ReservationTtl);
            });
        }
        else
        {
            // Undelivered counter updates are kept next to the outbox this process owns; a lost period is rebuilt from
            // the ledger (the shared PostgreSQL one in a cluster), which is also the reference of the reconciliation.
            options.CounterOutboxPath ??= options.EffectiveOutboxPath + ".counters";
            services.AddSingleton(sp =>
            {
                var ledger = sp.GetRequiredService<SqliteLedger>();
                return new RedisQuotaGate(
                    options,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<RedisQuotaGate>>(),
                    ledger.HostedTokensSpent);
            });
            services.AddSingleton<IQuotaGate>(sp => sp.GetRequiredService<RedisQuotaGate>());

            // Stopped before the ledger (hosted services stop in reverse order): the last counter updates are tried then.
            services.AddHostedService(sp => sp.GetRequiredService<RedisQuotaGate>());
        }

        return services;
    }
}
