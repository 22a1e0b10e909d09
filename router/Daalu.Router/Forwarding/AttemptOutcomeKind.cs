namespace Daalu.Router.Forwarding;

/// <summary>How one attempt ended; see <see cref="AttemptOutcome"/> for what each kind carries.</summary>
internal enum AttemptOutcomeKind
{
    /// <summary>A JSON answer was produced and is ready to meter and write (nothing reached the client yet).</summary>
    Committed,

    /// <summary>A streamed answer was committed and finished by the relay (served, broken in-band, or abandoned).</summary>
    Streamed,

    /// <summary>The upstream failed before any byte reached the client; the tenant's policy decides whether to fall through.</summary>
    Failed,

    /// <summary>The upstream rejected the request itself (a 4xx caused by it): the caller gets it, no fall-through.</summary>
    ClientError,

    /// <summary>The request cannot be expressed in this candidate's wire format: a 400, no fall-through.</summary>
    Untranslatable,

    /// <summary>The client went away before anything was committed: nothing more is written.</summary>
    Cancelled,
}
