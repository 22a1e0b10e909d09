using System.Text.Json;
using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Classification;

/// <summary>The "classification" object of /v1/route/explain: signals, ratings, stages and times; never prompt text.</summary>
public static class ClassificationExplain
{
    /// <summary>Writes the object as property "classification".</summary>
    public static void Write(Utf8JsonWriter w, RequestClassification c, CodeDetectionMode mode, string resolvedClass, string finalClass)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(c);
        w.WriteStartObject("classification");
        w.WriteString("request_class", finalClass);
        w.WriteString("class_before_content", resolvedClass);
        w.WriteBoolean("detected_from_content", finalClass != resolvedClass);
        w.WriteStartObject("code_detection");
        w.WriteString("mode", mode.ToString().ToLowerInvariant());
        w.WriteBoolean("code", c.Code.IsCode);
        w.WriteString("signal", CodeSignals.Name(c.Code.Signal));
        if (c.Code.IsCode)
        {
            w.WriteString("role", c.Code.Role);
            w.WriteNumber("message", c.Code.Message);
        }

        w.WriteNumber("elapsed_us", Math.Round(c.CodeElapsed.TotalMicroseconds, 1));
        w.WriteEndObject();
        if (c.Difficulty is { } d)
        {
            w.WriteStartObject("difficulty");
            w.WriteNumber("rating", d.Rating);
            w.WriteString("decided_by", d.DecidedBy);
            w.WriteStartArray("stages");
            foreach (var s in d.Stages)
            {
                w.WriteStartObject();
                w.WriteString("stage", s.Stage);
                w.WriteNumber("rating", s.Rating);
                w.WriteNumber("confidence", Math.Round(s.Confidence, 3));
                w.WriteNumber("elapsed_us", Math.Round(s.Elapsed.TotalMicroseconds, 1));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        if (c.Judge is { } j)
        {
            w.WriteStartObject("judge");
            w.WriteString("outcome", j.Outcome);
            if (j.Rating is { } rating)
            {
                w.WriteNumber("rating", rating);
            }
            else
            {
                w.WriteNull("rating");
            }

            w.WriteBoolean("cached", j.Cached);
            w.WriteNumber("latency_ms", Math.Round(j.Elapsed.TotalMilliseconds, 1));
            if (j.Backend is not null)
            {
                w.WriteString("backend", j.Backend);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
