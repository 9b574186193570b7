using RemotePoll.Core.Secrets;
using RemotePoll.Core.Settings;

namespace RemotePoll.Core.Accounts;

/// <summary>
/// What a command needs from outside the account: the clock, the main domain, the password sealer, and the module
/// settings (limits on account users' records); null settings mean the defaults.
/// </summary>
public sealed record AccountContext(DateTimeOffset Now, string? MainDomain, ISecretSealer Sealer, ModuleSettings? Settings = null);
