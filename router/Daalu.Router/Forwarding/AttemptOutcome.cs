namespace Daalu.Router.Forwarding;

/// <summary>How one attempt ended.</summary>
internal enum AttemptOutcome
{
    /// <summary>The response (success, passed-back 4xx, in-band stream error, or client cancel) is finished.</summary>
    Done,

    /// <summary>Failed before the first byte reached the client; try the next candidate.</summary>
    FallThrough,
}
