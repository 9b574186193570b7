using System.Net;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// What a poll may use once it has been let through: the module settings, the source address to bind, and the
/// addresses the remote host resolved to when it was checked (so DNS cannot change them between check and connect);
/// for an OAuth2 record, the access token to sign in with.
/// </summary>
public sealed record PollContext(ModuleSettings Settings, IPAddress? SourceAddress, Func<string, CancellationToken, Task<IPAddress[]>> Resolver)
{
    public Mail.OAuth.OAuth2Bearer? Bearer { get; init; }
}
