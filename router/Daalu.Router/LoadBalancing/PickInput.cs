namespace Daalu.Router.LoadBalancing;

/// <summary>What the picker weighs for one backend and one call.</summary>
/// <param name="PickLoad">The backend's pick load (<see cref="LoadEstimate.PickLoad"/>, or its in-flight count without a view).</param>
/// <param name="PrefillBacklogTokens">Prompt tokens awaiting prefill there (<see cref="LoadEstimate.PrefillBacklogTokens"/>).</param>
/// <param name="CachedPromptTokens">Tokens of this call's prompt its prefix cache likely holds (<see cref="PrefixIndex.CachedTokens"/>).</param>
public readonly record struct PickInput(double PickLoad, long PrefillBacklogTokens, long CachedPromptTokens)
{
    /// <summary>The input for <paramref name="load"/> (or <paramref name="inFlight"/> calls without a view) and a call with <paramref name="key"/>.</summary>
    public static PickInput From(LoadEstimate? load, int inFlight, PrefixKey? key) => load is null
        ? new PickInput(inFlight, 0, 0)
        : new PickInput(load.PickLoad, load.PrefillBacklogTokens, key is { } k && load.Index is { } index ? index.CachedTokens(k) : 0);
}
