using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Daalu.Router.WebConsole;

/// <summary>
/// Serves the console's static files from resources embedded at build time: its stylesheet and page script, and the
/// chart library (Chart.js, MIT) that the build copies from npm's node_modules. No Node and no files on disk at run time.
/// </summary>
internal static class ConsoleAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Files = Load();

    public static IResult Serve(HttpContext ctx, string name)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            return Results.NotFound();
        }

        ctx.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Bytes(file.Bytes, file.Type);
    }

    /// <summary>True when the build embedded the chart library (npm was present at build time).</summary>
    public static bool HasChartLibrary => Files.ContainsKey("chart.umd.min.js");

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        const string prefix = "Daalu.WebConsole.";
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            files[name] = (copy.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
