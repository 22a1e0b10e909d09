namespace Daalu.KubeApiServer;

/// <summary>Who writes and how: the field manager, the operation (Update or Apply) and the dry-run flag.</summary>
internal sealed record WriteContext(string Manager, string? AppliedConfigurationJson, bool DryRun)
{
    public bool IsApply => AppliedConfigurationJson is not null;

    public bool Force { get; init; }

    public bool StrictFields { get; init; }
}
