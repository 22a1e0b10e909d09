namespace Daalu.Router.WebConsole.Json;

/// <summary>The JSON island of a page whose script needs only to know which page it is on.</summary>
internal sealed record PageModel(string Page);
