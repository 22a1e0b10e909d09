using System.Net.Sockets;

namespace Daalu.EndToEnd.Tests;

/// <summary>Finds out quickly whether a Docker engine answers, without waiting for Testcontainers' long timeouts.</summary>
internal static class DockerEngine
{
    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Null when an engine is reachable; otherwise a one-line reason.</summary>
    public static string? WhyUnavailable => Missing.Value;

    private static string? Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
                if (!File.Exists(path))
                {
                    return $"no Docker engine: {path} does not exist and DOCKER_HOST is {(string.IsNullOrEmpty(host) ? "unset" : "a unix socket")}";
                }

                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).Wait(TimeSpan.FromSeconds(2));
                return socket.Connected ? null : $"no Docker engine: {path} does not accept connections";
            }

            if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "http" or "https")
            {
                using var client = new TcpClient();
                return client.ConnectAsync(uri.Host, uri.Port).Wait(TimeSpan.FromSeconds(2)) && client.Connected
                    ? null
                    : $"no Docker engine: DOCKER_HOST {host} does not accept connections";
            }

            return $"no Docker engine: DOCKER_HOST '{host}' is not a unix or tcp address";
        }
        catch (Exception ex) when (ex is SocketException or AggregateException or IOException)
        {
            return $"no Docker engine: {ex.GetBaseException().Message}";
        }
    }
}
