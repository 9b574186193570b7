namespace RemotePoll.Core.Admin;

/// <summary>An account as an operator sees it: settings and records with their status, never a password.</summary>
public sealed record AccountView(
    string Address,
    bool CanModifyRpop,
    IReadOnlyList<RpopRecordView> Rpop,
    IReadOnlyList<RimapRecordView> Rimap) : IAdminResult;
