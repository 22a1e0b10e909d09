namespace Daalu.Router.Hosting.Demo;

/// <summary>One "try this" line the demo prints: what it shows, and the shell command (curl) that shows it.</summary>
public sealed record DemoStep(string Id, string Title, string Command);
