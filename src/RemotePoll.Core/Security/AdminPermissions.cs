using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;

namespace RemotePoll.Core.Security;

/// <summary>
/// Who may send which admin command (README, "Who may do what"). A server administrator may do everything; a domain
/// administrator reads module settings and works on accounts and records of their domain; an account user reads their
/// own account and records and changes them only when the account has CanModifyRPOP (checked by the account itself,
/// <see cref="AccountContext.ByAccountUser"/>). A command not named here is for server administrators only.
/// </summary>
public static class AdminPermissions
{
    public const string Denied = "permission denied";

    /// <summary>Null when <paramref name="caller"/> may send <paramref name="command"/>; otherwise why not. May throw a
    /// <see cref="Validation.ValidationException"/> for a malformed account address.</summary>
    public static string? Refusal(Caller caller, IAdminCommand command)
    {
        if (caller.Role == CallerRole.Server) return null;
        return command switch
        {
            WhoAmI => null,
            ModuleShow => caller.Role == CallerRole.Domain ? null : "module settings are for administrators",
            DomainShow d => caller.Role == CallerRole.Domain && SameDomain(caller.Domain, d.Domain) ? null : $"{caller} may not see domain {d.Domain}",
            CgpGetRecords { WithPasswords: true } => "only a server administrator may read passwords",
            CgpGetRecords g => AccountScope(caller, g.Account, userAllowed: true),
            CgpSetRecords s => AccountScope(caller, s.Account, userAllowed: true),
            SetAccountSettings or ImportUids => AccountScope(caller, ((IAccountCommand)command).Account, userAllowed: false),
            IAccountCommand a => AccountScope(caller, a.Account, userAllowed: true),
            _ => $"{Describe(command)} is for server administrators",
        };
    }

    /// <summary>The one-line refusal sent back: "permission denied: REASON".</summary>
    public static string Message(string reason) => $"{Denied}: {reason}";

    private static string? AccountScope(Caller caller, string account, bool userAllowed)
    {
        var a = AccountAddress.Normalize(account);
        return caller.Role switch
        {
            CallerRole.Domain when SameDomain(caller.Domain, Caller.DomainOf(a)) => null,
            CallerRole.Domain => $"{caller} may not work on {a}",
            CallerRole.User when !userAllowed => "an account user may not change account settings or import UIDs",
            CallerRole.User when caller.Account == a => null,
            _ => $"{caller} may not work on {a}",
        };
    }

    private static string Describe(IAdminCommand command) => command.GetType().Name;

    private static bool SameDomain(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim().TrimEnd('.'), b.Trim().TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
}
