namespace Daalu.Runtime.Informers;

/// <summary>The query parameters of one list or watch call.</summary>
public readonly record struct ListRequest(
    bool Watch,
    string? ResourceVersion,
    string? Continue,
    int? Limit,
    string? LabelSelector,
    int? TimeoutSeconds)
{
    /// <summary>Watches always ask for bookmarks so the resourceVersion keeps moving on quiet streams.</summary>
    public bool AllowWatchBookmarks => Watch;
}
