namespace RemotePoll.Core.Admin;

/// <summary>
/// What one poll did: messages and bytes delivered, what was left on the server and why, and the error of a failed
/// poll. RIMAP polls add a line per folder.
/// </summary>
public sealed record PollReport(
    string Account,
    string Kind,
    string Name,
    bool Ok,
    int Messages,
    long Bytes,
    int LeftOnServer,
    string? ErrorKind,
    string? Error,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    IReadOnlyList<FolderReport> Folders) : IAdminResult
{
    /// <summary>RPOP: the LOGIN-DELAY the server announced in its CAPA (zero: none); null when the poll never saw its CAPA.</summary>
    public TimeSpan? LoginDelay { get; init; }
}
