using RemotePoll.Core.Secrets;

namespace RemotePoll.Core.Accounts;

/// <summary>What a command needs from outside the account: the clock, the main domain, the password sealer.</summary>
public sealed record AccountContext(DateTimeOffset Now, string? MainDomain, ISecretSealer Sealer);
