using System.Diagnostics;
using System.Globalization;
using Daalu.Operator.Inspection;
using Daalu.Operator.Models;
using Daalu.TestDoubles.HuggingFace;

namespace Daalu.Operator.Tests.Support;

/// <summary>
/// Runs the inspection Pod's own script (<see cref="WeightsInspector.Script"/>) with this machine's python3 on a
/// directory laid out like pre-staged weights, and returns what the kubelet would put in the termination message.
/// Tests that need it skip when python3 is absent (.ci/run installs it).
/// </summary>
internal static class InspectionScript
{
    public const string MissingReason = "python3 is not on PATH: the weights inspection script cannot run (apt-get install python3)";

    public static bool Available { get; } = Probe();

    /// <summary>The files of a Hub repository as they sit on a PVC: config.json, and the index or a (sparse) single checkpoint file.</summary>
    public static (int ExitCode, string Message) RunOn(HubRepository repository) =>
        Run(directory =>
        {
            File.WriteAllText(Path.Combine(directory, "config.json"), repository.ConfigJson);
            if (repository.IndexTotalSize is { } total)
            {
                File.WriteAllText(Path.Combine(directory, "model.safetensors.index.json"),
                    string.Create(CultureInfo.InvariantCulture, $$$"""{"metadata": {"total_size": {{{total}}}}, "weight_map": {}}"""));
            }
            else if (repository.SingleFileSize is { } size)
            {
                using var file = File.Create(Path.Combine(directory, "model.safetensors"));
                file.SetLength(size);
            }
        });

    /// <summary>Runs the script on a fresh directory that <paramref name="layout"/> fills.</summary>
    public static (int ExitCode, string Message) Run(Action<string> layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var directory = Directory.CreateTempSubdirectory("daalu-weights-").FullName;
        var message = Path.Combine(Path.GetTempPath(), $"daalu-termination-{Guid.NewGuid():N}");
        try
        {
            layout(directory);
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-c", WeightsInspector.Script, directory, string.Join(',', ModelConfigParser.ConfigFields), message })
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            process.WaitForExit(30_000);
            return (process.ExitCode, File.Exists(message) ? File.ReadAllText(message) : string.Empty);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            File.Delete(message);
        }
    }

    private static bool Probe()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            process!.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
