using System.Net;
using System.Net.Sockets;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for child processes that need the port on their command line.</summary>
public static class Ports
{
    /// <summary>A port that was free a moment ago (the OS does not hand it out again right away).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
