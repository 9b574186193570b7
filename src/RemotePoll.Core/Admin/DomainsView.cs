using RemotePoll.Core.Settings;

namespace RemotePoll.Core.Admin;

/// <summary>Local domains, with their assigned addresses and which is the main domain.</summary>
public sealed record DomainsView(IReadOnlyList<DomainSettings> Domains) : IAdminResult;
