namespace RemotePoll.Core.Admin;

/// <summary>One RIMAP record for display: the password only as present or not; Last and Error from its status.</summary>
public sealed record RimapRecordView(
    string Name, string Every, string AuthName, string Host, bool HasPassword,
    string Security, string AuthMethod, string? Filter, DateTimeOffset? ExtOrder,
    DateTimeOffset? Last, string? Error, string? ErrorKind);
