using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Daalu.CrdValidation;

/// <summary>
/// One long-lived node child process running a script from tests/js that answers JSON lines on stdin/stdout: each
/// request gets an "id" and the answer must carry the same one. Calls are serialised. The CEL evaluator and the API
/// test server's OpenAPI schema checker both talk to their JavaScript implementations this way.
/// </summary>
public sealed class NodeScriptProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly Lock _gate = new();
    private long _nextId;
    private bool _disposed;

    private NodeScriptProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>tests/js/<paramref name="fileName"/> in the first ancestor of the test binaries or the working directory that has it, or null.</summary>
    public static string? FindScript(string fileName)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "js", fileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Starts node on <paramref name="scriptPath"/> (in its folder, so its node_modules resolve).</summary>
    /// <exception cref="InvalidOperationException">node is not installed or did not start.</exception>
    public static NodeScriptProcess Start(string scriptPath, string name)
    {
        var full = Path.GetFullPath(scriptPath);
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(full)!,
        };
        psi.ArgumentList.Add(full);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start node for the {name}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"node is not installed or not on PATH; the {name} needs it (and `npm ci --prefix tests/js`)", e);
        }

        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new NodeScriptProcess(process, name);
    }

    /// <summary>Sends <paramref name="request"/> with a fresh "id" and returns the answer that carries it.</summary>
    public JsonObject Call(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var id = ++_nextId;
            request["id"] = id;
            _process.StandardInput.WriteLine(request.ToJsonString());
            _process.StandardInput.Flush();
            var line = _process.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException($"the {_name} process exited; is node installed and `npm ci --prefix tests/js` done?");
            var response = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidOperationException($"empty {_name} response");
            if (response["id"]?.GetValue<long>() != id)
            {
                throw new InvalidOperationException($"the {_name} answered out of order: {line}");
            }

            return response;
        }
    }

    /// <summary>Ends the node process.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(2000))
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
