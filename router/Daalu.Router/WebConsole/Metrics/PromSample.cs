namespace Daalu.Router.WebConsole.Metrics;

/// <summary>One sample line of Prometheus text exposition: name, labels and value.</summary>
internal sealed record PromSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : string.Empty;
}
