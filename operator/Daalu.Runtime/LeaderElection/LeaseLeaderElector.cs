using Daalu.Runtime.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daalu.Runtime.LeaderElection;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease, with <see cref="TimeProvider"/> for every timing decision.
/// The leader stops acting at most <see cref="LeaderElectionOptions.RenewDeadline"/> after its last successful
/// renewal attempt began; a successor waits a full <see cref="LeaderElectionOptions.LeaseDuration"/> after it last
/// saw the lease change, which is longer, so the two never act at once.
/// </summary>
public sealed partial class LeaseLeaderElector : ILeaderElector
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly string _namespace;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OperatorMetrics? _metrics;
    private string? _observedVersion;
    private DateTimeOffset _observedAt;
    private volatile bool _isLeader;

    /// <summary>Creates the elector.</summary>
    public LeaseLeaderElector(IKubernetes client, LeaderElectionOptions options, TimeProvider? time = null, ILogger? logger = null, OperatorMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options;
        _namespace = options.LeaseNamespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default";
        Identity = options.Identity ?? $"{Environment.MachineName}_{Guid.NewGuid():N}";
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public string Identity { get; }

    /// <inheritdoc />
    public bool IsLeader => _isLeader;

    /// <inheritdoc />
    public async Task RunAsync(Func<CancellationToken, Task> onStartedLeading, Action onStoppedLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onStartedLeading);
        ArgumentNullException.ThrowIfNull(onStoppedLeading);

        DateTimeOffset lastRenew;
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var attemptStart = _time.GetUtcNow();
            if (await AttemptAsync(_options.RenewDeadline, cancellationToken).ConfigureAwait(false))
            {
                lastRenew = attemptStart;
                break;
            }

            if (!await DelayAsync(_options.RetryPeriod, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        SetLeader(true);
        Log.StartedLeading(_logger, Identity, _options.LeaseName);
        var work = Task.Run(() => onStartedLeading(leading.Token), CancellationToken.None);
        var lost = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
            {
                var remaining = lastRenew + _options.RenewDeadline - _time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    lost = true;
                    break;
                }

                if (!await DelayAsync(remaining < _options.RetryPeriod ? remaining : _options.RetryPeriod, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                var attemptStart = _time.GetUtcNow();
                remaining = lastRenew + _options.RenewDeadline - attemptStart;
                if (remaining <= TimeSpan.Zero)
                {
                    lost = true;
                    break;
                }

                if (await AttemptAsync(remaining, cancellationToken).ConfigureAwait(false))
                {
                    lastRenew = attemptStart;
                }
            }
        }
        finally
        {
            // Stop acting first: every reconcile sees its token cancelled before anything else happens.
            await leading.CancelAsync().ConfigureAwait(false);
            SetLeader(false);
            if (lost)
            {
                Log.LostLease(_logger, Identity, _options.LeaseName, _options.RenewDeadline.TotalSeconds);
            }

            try
            {
                await work.WaitAsync(StopWait, _time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.WorkEnded(_logger, ex.GetType().Name);
            }

            if (!lost && _options.ReleaseOnCancel)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }

            onStoppedLeading();
        }
    }

    private void SetLeader(bool leader)
    {
        _isLeader = leader;
        _metrics?.IsLeader.Set(leader ? 1 : 0);
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> AttemptAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await TryAcquireOrRenewAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.AttemptFailed(_logger, _options.LeaseName, ex.GetType().Name, ApiErrors.StatusCode(ex));
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        V1Lease? lease = null;
        try
        {
            lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
        }

        if (lease is not null && lease.Metadata?.ResourceVersion != _observedVersion)
        {
            _observedVersion = lease.Metadata?.ResourceVersion;
            _observedAt = now;
        }

        var action = LeaseDecision.Decide(lease, Identity, now, _observedAt, _options.LeaseDuration);
        var seconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        try
        {
            V1Lease written;
            switch (action)
            {
                case LeaseAction.Wait:
                    return false;
                case LeaseAction.Create:
                    written = await _client.CoordinationV1.CreateNamespacedLeaseAsync(
                        new V1Lease
                        {
                            Metadata = new V1ObjectMeta { Name = _options.LeaseName, NamespaceProperty = _namespace },
                            Spec = new V1LeaseSpec
                            {
                                HolderIdentity = Identity,
                                LeaseDurationSeconds = seconds,
                                AcquireTime = now.UtcDateTime,
                                RenewTime = now.UtcDateTime,
                                LeaseTransitions = 0,
                            },
                        },
                        _namespace,
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    var spec = lease!.Spec ??= new V1LeaseSpec();
                    if (action == LeaseAction.TakeOver)
                    {
                        spec.HolderIdentity = Identity;
                        spec.AcquireTime = now.UtcDateTime;
                        spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
                    }

                    spec.RenewTime = now.UtcDateTime;
                    spec.LeaseDurationSeconds = seconds;
                    written = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _options.LeaseName, _namespace, cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                    break;
            }

            _observedVersion = written.Metadata?.ResourceVersion;
            _observedAt = now;
            return true;
        }
        catch (Exception ex) when (ApiErrors.IsConflict(ex))
        {
            // Someone else wrote the lease between our read and write.
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(_options.RetryPeriod, _time);
        try
        {
            var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = _time.GetUtcNow().UtcDateTime;
            await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _options.LeaseName, _namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            Log.Released(_logger, Identity, _options.LeaseName);
        }
        catch (Exception ex)
        {
            Log.AttemptFailed(_logger, _options.LeaseName, ex.GetType().Name, ApiErrors.StatusCode(ex));
        }
    }
}
