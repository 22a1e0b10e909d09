using Daalu.Runtime.Informers;

namespace Daalu.Runtime.Hosting;

/// <summary>The pure liveness rule for informers.</summary>
public static class InformerHealth
{
    /// <summary>
    /// Problems that should fail liveness: an informer not synced within <paramref name="threshold"/> of
    /// <paramref name="startedAt"/>, or one that has not heard from the API server for <paramref name="threshold"/>.
    /// </summary>
    public static IReadOnlyList<string> Problems(IEnumerable<IInformer> informers, DateTimeOffset startedAt, DateTimeOffset now, TimeSpan threshold)
    {
        ArgumentNullException.ThrowIfNull(informers);
        var problems = new List<string>();
        foreach (var informer in informers)
        {
            if (!informer.HasSynced && now - startedAt > threshold)
            {
                problems.Add($"{informer.Kind}: not synced after {(now - startedAt).TotalSeconds:F0}s");
            }
            else if (informer.HasSynced && now - informer.LastContactAt > threshold)
            {
                problems.Add($"{informer.Kind}: no contact with the API server for {(now - informer.LastContactAt).TotalSeconds:F0}s ({informer.StalledRestarts} stalled watches)");
            }
        }

        return problems;
    }
}
