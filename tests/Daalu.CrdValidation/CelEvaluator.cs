// CelEvaluator: evaluates CRD x-kubernetes-validations rules with a real CEL implementation (@marcbachmann/cel-js)
// in one long-lived node child process (tests/js/cel-eval.mjs, JSON lines over stdin/stdout). Stands in for the
// CEL engine of the Kubernetes API server, which cannot run on these machines.
//
// Public API:
//   new CelEvaluator()                    - finds tests/js/cel-eval.mjs above the test binaries (or $DAALU_CEL_EVAL_SCRIPT)
//   new CelEvaluator(string scriptPath)   - explicit script
//        both throw FileNotFoundException (no script) or InvalidOperationException (no node on PATH)
//   bool Evaluate(string rule, JsonNode? self, JsonNode? oldSelf = null, bool hasOldSelf = false)
//        throws CelEvaluationException when the rule does not compile or fails at run time
//   void Dispose()                        - ends the node process
// Thread-safe (calls are serialised). Requires `node` on PATH and `npm ci --prefix tests/js`.
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Daalu.CrdValidation;

/// <summary>A CEL evaluator backed by a node child process running cel-js.</summary>
public sealed class CelEvaluator : IDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private long _nextId;
    private bool _disposed;

    /// <summary>Starts the evaluator with the script found under tests/js above the current directory or binaries.</summary>
    public CelEvaluator()
        : this(FindScript())
    {
    }

    /// <summary>Starts the evaluator with an explicit cel-eval.mjs path.</summary>
    public CelEvaluator(string scriptPath)
    {
        if (!File.Exists(scriptPath))
        {
            throw new FileNotFoundException("CEL evaluator script not found", scriptPath);
        }

        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(scriptPath))!,
        };
        psi.ArgumentList.Add(Path.GetFullPath(scriptPath));
        try
        {
            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node for the CEL evaluator");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node is not installed or not on PATH; the CEL evaluator needs it (and `npm ci --prefix tests/js`)", e);
        }

        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
    }

    /// <summary>Evaluates one rule; returns its boolean result.</summary>
    /// <exception cref="CelEvaluationException">The rule did not compile, failed at run time or was not a bool.</exception>
    public bool Evaluate(string rule, JsonNode? self, JsonNode? oldSelf = null, bool hasOldSelf = false)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var id = ++_nextId;
            var request = new JsonObject
            {
                ["id"] = id,
                ["rule"] = rule,
                ["self"] = self?.DeepClone(),
                ["oldSelf"] = oldSelf?.DeepClone(),
                ["hasOldSelf"] = hasOldSelf,
            };
            _process.StandardInput.WriteLine(request.ToJsonString());
            _process.StandardInput.Flush();
            var line = _process.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException("the CEL evaluator process exited; is node installed and `npm ci --prefix tests/js` done?");
            var response = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidOperationException("empty CEL evaluator response");
            if (response["id"]?.GetValue<long>() != id)
            {
                throw new InvalidOperationException($"CEL evaluator answered out of order: {line}");
            }

            if (response["error"] is { } error)
            {
                throw new CelEvaluationException(error.GetValue<string>());
            }

            return response["result"]?.GetValue<bool>() ?? throw new InvalidOperationException($"CEL evaluator gave no result: {line}");
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

    /// <summary>Finds tests/js/cel-eval.mjs: $DAALU_CEL_EVAL_SCRIPT, else the first ancestor of the binaries or the working directory that has it.</summary>
    public static string FindScript()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DAALU_CEL_EVAL_SCRIPT");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "js", "cel-eval.mjs");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("tests/js/cel-eval.mjs not found above " + AppContext.BaseDirectory);
    }
}
