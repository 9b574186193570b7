using RemotePoll.Core.Polling;

namespace RemotePoll.Mail.Rpop;

/// <summary>
/// What a drain did. <see cref="Problem"/> is set when messages had to be left on the server (over the size limit,
/// refused by the local side); the poll then reports it as its error although the rest was delivered.
/// </summary>
public sealed record RpopDrainResult(int Delivered, long Bytes, int LeftOnServer, PollErrorKind? ProblemKind, string? Problem)
{
    /// <summary>Messages an interrupted poll had delivered (their delivery id was found): recorded, not delivered again.</summary>
    public int Recovered { get; init; }

    /// <summary>Messages an interrupted poll may have delivered, delivered again because the destination cannot be checked.</summary>
    public int Unverified { get; init; }

    /// <summary>The server's LOGIN-DELAY as the session saw it (zero: none announced): a floor under the record's next poll.</summary>
    public TimeSpan? LoginDelay { get; init; }
}
