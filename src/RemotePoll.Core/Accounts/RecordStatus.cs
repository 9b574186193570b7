using RemotePoll.Core.Polling;

namespace RemotePoll.Core.Accounts;

/// <summary>
/// A record's poll status, kept apart from its configuration: Last = time of the last successful poll; Error = the
/// last failure, cleared by a success (spec, RPOP "Last", RIMAP "Error"/"Last").
/// </summary>
public sealed record RecordStatus(
    DateTimeOffset? Last = null,
    DateTimeOffset? ErrorAt = null,
    PollErrorKind? ErrorKind = null,
    string? Error = null,
    int LastMessages = 0,
    long LastBytes = 0)
{
    public static readonly RecordStatus Never = new();

    /// <summary>
    /// The server's LOGIN-DELAY (RFC 2449 6.8) as last seen in its CAPA: the least time between two logins, a floor under
    /// the record's effective poll interval. Null: the server announced none (or was never reached).
    /// </summary>
    public TimeSpan? LoginDelay { get; init; }

    /// <summary>True when the last attempt failed.</summary>
    public bool Failed => Error is not null;
}
