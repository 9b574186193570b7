namespace RemotePoll.Web.OAuth;

/// <summary>What a <c>state</c> coming back to /oauth/callback turned out to be.</summary>
public enum ConsentAnswer
{
    /// <summary>A consent this browser started here, within its time: the code may be exchanged.</summary>
    Taken,
    /// <summary>No consent under way has this state: forged, already used (a replay), or started on another node.</summary>
    Unknown,
    /// <summary>Started here, but longer ago than <see cref="PendingConsents.Lifetime"/>.</summary>
    Expired,
    /// <summary>Started here by another browser session (its binding cookie is not this browser's).</summary>
    OtherSession,
}
