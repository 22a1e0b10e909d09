namespace Daalu.Router.LoadBalancing;

/// <summary>
/// Counts a call that does not pass through the cascade (the difficulty judge's question to the tenant's own card, the
/// quality drift watch's scoring call) in the backend's load view: it is a request in that card's batch like any
/// other, so the picker and the saturation judge must see it (in flight, its tokens in the KV estimate, its prompt in
/// the prefill backlog), or the card looks idler than it is.
/// </summary>
public interface IBackendLoadCounter
{
    /// <summary>
    /// Counts a call to <paramref name="backend"/> in, as the cascade's attempt does: in flight, <paramref name="expectedTokens"/>
    /// of KV (prompt + expected output, <see cref="LoadTracker.ExpectedTokens"/>), and <paramref name="promptTokens"/> less
    /// what the backend likely holds of <paramref name="key"/>'s prefix in its prefill backlog until the call ends (such
    /// a call is not streamed, so no first token is seen). Disposing the result counts it out, once however often it is
    /// disposed.
    /// </summary>
    IDisposable Track(string backend, long expectedTokens, long promptTokens, PrefixKey? key);
}
