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
using System.Text.Json.Nodes;

namespace Daalu.CrdValidation;

/// <summary>A CEL evaluator backed by a node child process running cel-js.</summary>
public sealed class CelEvaluator : IDisposable
{
    private const string ScriptName = "cel-eval.mjs";
    private readonly NodeScriptProcess _node;

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

        _node = NodeScriptProcess.Start(scriptPath, "CEL evaluator");
    }

    /// <summary>Evaluates one rule; returns its boolean result.</summary>
    /// <exception cref="CelEvaluationException">The rule did not compile, failed at run time or was not a bool.</exception>
    public bool Evaluate(string rule, JsonNode? self, JsonNode? oldSelf = null, bool hasOldSelf = false)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var response = _node.Call(new JsonObject
        {
            ["rule"] = rule,
            ["self"] = self?.DeepClone(),
            ["oldSelf"] = oldSelf?.DeepClone(),
            ["hasOldSelf"] = hasOldSelf,
        });
        if (response["error"] is { } error)
        {
            throw new CelEvaluationException(error.GetValue<string>());
        }

        return response["result"]?.GetValue<bool>() ?? throw new InvalidOperationException($"CEL evaluator gave no result: {response.ToJsonString()}");
    }

    /// <summary>Ends the node process.</summary>
    public void Dispose() => _node.Dispose();

    /// <summary>Finds tests/js/cel-eval.mjs: $DAALU_CEL_EVAL_SCRIPT, else the first ancestor of the binaries or the working directory that has it.</summary>
    public static string FindScript()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DAALU_CEL_EVAL_SCRIPT");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        return NodeScriptProcess.FindScript(ScriptName)
            ?? throw new FileNotFoundException("tests/js/cel-eval.mjs not found above " + AppContext.BaseDirectory);
    }
}
