namespace RemotePoll.Core.Security;

/// <summary>Who a caller is to Remote Poll (spec: Server and Domain Administrators; CanModifyRPOP for account users).</summary>
public enum CallerRole
{
    /// <summary>Everything.</summary>
    Server,
    /// <summary>Accounts and records of one domain; module settings read-only.</summary>
    Domain,
    /// <summary>One account's own records, changed only when the account has CanModifyRPOP.</summary>
    User,
}
