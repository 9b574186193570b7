namespace RemotePoll.Core.Records;

/// <summary>What the context allows a record change: Special only on postmaster of the main domain (spec, Unified Domain-Wide Accounts).</summary>
public sealed record RecordRules(bool SpecialAllowed)
{
    public static RecordRules For(string account, string? mainDomain) =>
        new(mainDomain is not null && string.Equals(account, "postmaster@" + mainDomain, StringComparison.OrdinalIgnoreCase));
}
