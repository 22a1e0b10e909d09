namespace Daalu.Operator.Detection;

/// <summary>Asks an OpenAI-compatible server which models it serves.</summary>
public interface IServedModelDetector
{
    /// <summary>GETs <paramref name="baseUrl"/>/v1/models, with <paramref name="apiKey"/> as a bearer token when given.</summary>
    Task<DetectionResult> DetectAsync(string baseUrl, string? apiKey, CancellationToken cancellationToken);
}
