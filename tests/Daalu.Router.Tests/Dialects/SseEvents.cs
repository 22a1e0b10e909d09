using System.Text.Json;

namespace Daalu.Router.Tests.Dialects;

/// <summary>Splits a server-sent event body into (event name, data JSON) pairs, as an SSE client reads them.</summary>
public static class SseEvents
{
    public static List<(string Event, JsonElement Data)> Parse(string body)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var frame in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null, data = null;
            foreach (var line in frame.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
            }

            if (data is not null)
            {
                using var doc = JsonDocument.Parse(data);
                events.Add((name ?? "message", doc.RootElement.Clone()));
            }
        }

        return events;
    }
}
