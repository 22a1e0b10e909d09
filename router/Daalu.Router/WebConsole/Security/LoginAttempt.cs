using System.Net;

namespace Daalu.Router.WebConsole.Security;

/// <summary>
/// One console login attempt as <see cref="LoginGate"/> saw it: whom it counts against, how long it must wait (zero =
/// it may check the key), and whether the shared counter already counted it (then a good key takes that count back).
/// </summary>
internal readonly record struct LoginAttempt(IPAddress? Address, string Key, TimeSpan Wait, bool CountedShared);
