namespace Daalu.Router.Configuration;

/// <summary>The current configuration snapshot. Callers capture <see cref="Current"/> once per request.</summary>
public interface IRouterConfigSource
{
    /// <summary>The last good snapshot.</summary>
    RouterSnapshot Current { get; }

    /// <summary>Raised after a new snapshot has been swapped in.</summary>
    event Action<RouterSnapshot>? Changed;
}
