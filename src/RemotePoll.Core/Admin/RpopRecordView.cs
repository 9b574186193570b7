namespace RemotePoll.Core.Admin;

/// <summary>One RPOP record for display: the password only as present or not; Last and Error from its status.</summary>
public sealed record RpopRecordView(
    string Name, string Every, string AuthName, string Host, bool HasPassword,
    bool Leave, bool Apop, bool Tls, string? Mailbox, string? Special,
    DateTimeOffset? Last, string? Error, string? ErrorKind);
