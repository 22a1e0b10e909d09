using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Daalu.CrdValidation;

namespace Daalu.KubeApiServer;

/// <summary>
/// The default admission step: <see cref="SchemaValidator"/> from Daalu.CrdValidation (structural defaults, pruning,
/// OpenAPI checks, and x-kubernetes-validations CEL rules through a node cel-js process when node is available).
/// Its "field: message" errors become Status causes with the real reason codes.
/// </summary>
internal sealed class CrdSchemaObjectValidator : IObjectValidator
{
    // One node process for every server in the test process: starting node per server would dominate test time.
    // It ends when the test process ends (its stdin closes).
    private static readonly Lazy<CelEvaluator?> SharedCel = new(TryStartCel);

    private readonly ConcurrentDictionary<(ResourceType, bool), SchemaValidator> _validators = new();
    private readonly bool _evaluateCel;

    public CrdSchemaObjectValidator(bool evaluateCel)
    {
        _evaluateCel = evaluateCel;
    }

    public bool CelAvailable => _evaluateCel && SharedCel.Value is not null;

    public IReadOnlyList<FieldCause> Admit(ResourceType type, JsonObject obj, JsonObject? oldObj, bool strictFields)
    {
        if (type.CrdPath is null)
        {
            return [];
        }

        var validator = _validators.GetOrAdd((type, strictFields), key => new SchemaValidator(
            CrdSchema.Load(key.Item1.CrdPath!),
            _evaluateCel ? SharedCel.Value : null,
            key.Item2 ? UnknownFieldPolicy.Reject : UnknownFieldPolicy.Prune));
        var result = validator.Admit(obj, oldObj);
        if (result.Resource is JsonObject admitted)
        {
            obj.Clear();
            foreach (var (k, v) in admitted.ToList())
            {
                admitted.Remove(k);
                obj[k] = v;
            }
        }

        return result.Errors.Select(ToCause).ToList();
    }

    internal static FieldCause ToCause(string error)
    {
        if (error.StartsWith("unknown field ", StringComparison.Ordinal))
        {
            return new FieldCause("FieldValueInvalid", error, string.Empty);
        }

        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        var field = colon > 0 ? error[..colon] : string.Empty;
        var message = colon > 0 ? error[(colon + 2)..] : error;
        if (field == "<nil>")
        {
            field = string.Empty;
        }

        var reason = message switch
        {
            _ when message.StartsWith("Required value", StringComparison.Ordinal) => "FieldValueRequired",
            _ when message.StartsWith("Unsupported value", StringComparison.Ordinal) => "FieldValueNotSupported",
            _ when message.StartsWith("Too long", StringComparison.Ordinal) => "FieldValueTooLong",
            _ when message.StartsWith("Too many", StringComparison.Ordinal) => "FieldValueTooMany",
            _ when message.StartsWith("Duplicate value", StringComparison.Ordinal) => "FieldValueDuplicate",
            _ when message.StartsWith("Forbidden", StringComparison.Ordinal) => "FieldValueForbidden",
            _ when message.Contains("must be of type", StringComparison.Ordinal) => "FieldValueTypeInvalid",
            _ => "FieldValueInvalid",
        };
        return new FieldCause(reason, message, field);
    }

    private static CelEvaluator? TryStartCel()
    {
        try
        {
            return new CelEvaluator();
        }
        catch (Exception e) when (e is FileNotFoundException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
