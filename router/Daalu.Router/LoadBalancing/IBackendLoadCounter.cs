namespace Daalu.Router.LoadBalancing;

/// <summary>
/// Counts a call that does not pass through the cascade (the difficulty judge's question to the tenant's own card) in
/// the backend's load view: it is a request in that card's batch like any other, so the picker and the saturation
/// judge must see it (in flight, its tokens in the KV estimate), or the card looks idler than it is.
/// </summary>
public interface IBackendLoadCounter
{
    /// <summary>
    /// Counts a call of <paramref name="expectedTokens"/> (prompt + expected output, <see cref="LoadTracker.ExpectedTokens"/>)
    /// to <paramref name="backend"/> in; disposing the result counts it out (once, however often it is disposed).
    /// </summary>
    IDisposable Track(string backend, long expectedTokens);
}
