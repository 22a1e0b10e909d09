namespace Daalu.Router.WebConsole.Json;

/// <summary>The console API routes a page's script calls (with the viewed tenant for an admin).</summary>
internal sealed record ConsoleApiLinks(string Usage, string Hardware, string Backends, string Diagnostics);
