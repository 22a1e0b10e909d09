using System.Diagnostics;
using System.Globalization;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>POSIX signals to child processes (SIGSTOP, SIGCONT, SIGTERM) through kill(1); .NET only has SIGKILL built in.</summary>
public static class Signals
{
    /// <summary>Sends SIG<paramref name="name"/> to <paramref name="pid"/>.</summary>
    public static void Send(int pid, string name)
    {
        using var kill = Process.Start("kill", ["-" + name, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
