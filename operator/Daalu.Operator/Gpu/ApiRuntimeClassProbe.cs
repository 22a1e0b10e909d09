using System.Net;
using Daalu.Runtime;
using k8s;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Gpu;

/// <summary>
/// Looks a RuntimeClass up with a GET on node.k8s.io/v1 and remembers the answer for <see cref="CacheFor"/>: every
/// GpuNode and ModelServing reconcile asks, and RuntimeClasses change about once per cluster lifetime. 404 means it
/// does not exist; 403 (the operator's ClusterRole lacks runtimeclasses get) is treated the same and logged once,
/// so a cluster with an older role keeps the default runtime instead of failing every reconcile. Other errors keep the
/// last answer when there is one, else propagate so the reconcile retries.
/// </summary>
public sealed partial class ApiRuntimeClassProbe : IRuntimeClassProbe
{
    private readonly IKubernetes _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (bool Exists, DateTimeOffset At)> _answers = new(StringComparer.Ordinal);
    private bool _forbiddenLogged;

    /// <summary>Creates the probe.</summary>
    public ApiRuntimeClassProbe(IKubernetes client, TimeProvider time, ILogger<ApiRuntimeClassProbe> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>How long an answer is reused before the API is asked again.</summary>
    public TimeSpan CacheFor { get; init; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var now = _time.GetUtcNow();
        (bool Exists, DateTimeOffset At) last;
        bool known;
        lock (_gate)
        {
            known = _answers.TryGetValue(name, out last);
        }

        if (known && now - last.At < CacheFor)
        {
            return last.Exists;
        }

        bool exists;
        try
        {
            await _client.NodeV1.ReadRuntimeClassAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            exists = true;
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            exists = false;
        }
        catch (Exception ex) when (ApiErrors.StatusCode(ex) == (int)HttpStatusCode.Forbidden)
        {
            exists = false;
            if (!_forbiddenLogged)
            {
                _forbiddenLogged = true;
                Log.Forbidden(_logger, name);
            }
        }
        catch (Exception ex) when (known && ex is not OperationCanceledException)
        {
            return last.Exists;
        }

        lock (_gate)
        {
            _answers[name] = (exists, now);
        }

        return exists;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Not allowed to read RuntimeClass {Name} (node.k8s.io runtimeclasses get): GPU pods use the default runtime unless --gpu-runtime-class or a GpuNode's runtimeClassName says otherwise")]
        public static partial void Forbidden(ILogger logger, string name);
    }
}
