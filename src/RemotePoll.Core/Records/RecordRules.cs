namespace RemotePoll.Core.Records;

/// <summary>
/// What the context allows a record change: Special only on postmaster of the main domain (spec, Unified Domain-Wide Accounts)
/// and never from an account user; <see cref="ByAccountUser"/> marks the saved record as the user's own.
/// </summary>
public sealed record RecordRules(bool SpecialAllowed, bool ByAccountUser = false)
{
    public static RecordRules For(string account, string? mainDomain, bool byAccountUser = false) =>
        new(mainDomain is not null && string.Equals(account, "postmaster@" + mainDomain, StringComparison.OrdinalIgnoreCase), byAccountUser);

    /// <summary>
    /// Whether a saved record is the account user's: a change by the user marks it; an administrator's change keeps the mark
    /// unless the administrator names the host (then the target is the administrator's choice), and an administrator may
    /// set or clear the mark explicitly (<paramref name="administratorChoice"/>, e.g. <c>--by-account-user yes</c>) to hold
    /// a record to the account users' limits. An account user cannot clear it.
    /// </summary>
    public bool MarksByAccountUser(bool existingMark, string? hostGiven, bool? administratorChoice = null) =>
        ByAccountUser || (administratorChoice ?? (existingMark && hostGiven is null));
}
