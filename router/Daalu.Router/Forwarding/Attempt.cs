using Daalu.Gateway.Abstractions;
using Daalu.Router.Planning;

namespace Daalu.Router.Forwarding;

/// <summary>One attempt on one candidate: its place in the route, its hosted reservation, and what was measured.</summary>
internal sealed class Attempt(RouteContext rc, Candidate cand, int number, Reservation? reservation, List<string> route)
{
    public RouteContext Rc { get; } = rc;
    public Candidate Cand { get; } = cand;
    public int Number { get; } = number;
    public Reservation? Reservation { get; } = reservation;
    public List<string> Route { get; } = route;
    public bool Settled { get; set; }
    public long SentTimestamp { get; set; }
    public double TtftMs { get; set; }

    /// <summary>The call as counted into the backend's load view (set when the attempt starts).</summary>
    public LoadBalancing.LoadTicket? LoadTicket { get; set; }
}
