using System.Text.Json;

namespace Daalu.Operator.Controllers;

/// <summary>Deep copies of status objects, so a reconcile edits its own copy and the writer can diff against the original.</summary>
internal static class StatusCopy
{
    public static T Of<T>(T? status)
        where T : class, new() =>
        status is null ? new T() : JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(status)) ?? new T();
}
