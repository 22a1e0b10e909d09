namespace Daalu.Runtime.LeaderElection;

/// <summary>What a candidate does with the lease it just read.</summary>
public enum LeaseAction
{
    /// <summary>No lease exists: create it as holder.</summary>
    Create,

    /// <summary>We hold it: renew.</summary>
    Renew,

    /// <summary>Free, released, or not renewed for a full lease duration: take it over.</summary>
    TakeOver,

    /// <summary>Someone else holds a live lease: wait.</summary>
    Wait,
}
