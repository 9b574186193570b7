using RemotePoll.Core.Secrets;
using RemotePoll.Core.Settings;

namespace RemotePoll.Core.Accounts;

/// <summary>
/// What a command needs from outside the account: the clock, the main domain, the password sealer, the module settings
/// (limits on account users' records; null means the defaults), and who sends it.
/// </summary>
public sealed record AccountContext(DateTimeOffset Now, string? MainDomain, ISecretSealer Sealer, ModuleSettings? Settings = null)
{
    /// <summary>
    /// The command comes from the account's own user (not an administrator): it may change records only with CanModifyRPOP,
    /// may not set Special, and the records it saves are marked <c>ByAccountUser</c> (outbound safety checks their targets).
    /// </summary>
    public bool ByAccountUser { get; init; }

    /// <summary>The command comes from a domain administrator: like an account user, they may not name files on the nodes.</summary>
    public bool ByDomainAdministrator { get; init; }

    public bool ByServerAdministrator => !ByAccountUser && !ByDomainAdministrator;

    /// <summary>The only folder whose files a record may name as its TLS CA file (null: not checked here; the poll checks).</summary>
    public string? CaFolder { get; init; }
}
