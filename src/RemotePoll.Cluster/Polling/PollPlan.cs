using System.Net;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Core.Admin;
using RemotePoll.Core.OAuth;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// One poll as a value (issue 19.1), made by the poller on its own thread when the poll starts: the record's target and
/// sign-in, the module settings, the source address, this server's addresses, the ledgers, and (once resolved and
/// checked) the addresses to connect to; <see cref="Run"/> holds the record itself, whose password stays sealed until
/// the session opens it. The poll's async work reads only this, so a record changed while the poll waits (for DNS, a
/// permit, a token) takes effect at the next poll and never mixes with this one: the new password cannot reach the old host.
/// </summary>
public sealed record PollPlan(string Account, RecordKind Kind, string Name, DateTimeOffset Started)
{
    /// <summary>When the schedule wanted this poll; null for an ordered one.</summary>
    public DateTimeOffset? Due { get; init; }
    public required HostAndPort Host { get; init; }
    /// <summary>The port the session connects to (explicit, else the protocol's default for the record's security).</summary>
    public required int Port { get; init; }
    /// <summary>The record was created or changed by an account user: outbound safety applies.</summary>
    public bool ByAccountUser { get; init; }
    /// <summary>OAuth2 sign-in (issue 17), and the record's in-memory access token; null: a password.</summary>
    public OAuthSignIn? SignIn { get; init; }
    public RecordAccessToken? AccessToken { get; init; }
    public required ModuleSettings Settings { get; init; }
    /// <summary>Use Domain IP Addresses or Source IP Address, as the directory and settings were when planned.</summary>
    public IPAddress? SourceAddress { get; init; }
    /// <summary>"This server" for Allow Self-Poll and outbound safety.</summary>
    public required IReadOnlySet<IPAddress> OwnAddresses { get; init; }
    /// <summary>What <see cref="Host"/> resolved to and passed the checks; the session connects only to these.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];
    public required RecordLedgers Ledgers { get; init; }
    public required PollRun Run { get; init; }
    /// <summary>The node's clock (<see cref="PollEnvironment.Clock"/>), for when a failure before or during the run ended.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public string Protocol => Kind == RecordKind.Rpop ? "RPOP" : "RIMAP";

    /// <summary>The session's resolver: the checked addresses, whatever DNS says by the time it connects.</summary>
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(Addresses.ToArray());

    /// <summary>A report of this poll failing before or while it ran.</summary>
    public PollReport Failure(PollErrorKind kind, string error, int messages = 0, long bytes = 0, IReadOnlyList<FolderReport>? folders = null) =>
        Failed(Account, Kind, Name, Started, Clock.GetUtcNow(), kind, error, messages, bytes, folders);

    /// <summary>A report of a poll that failed, planned or not.</summary>
    public static PollReport Failed(string account, RecordKind kind, string name, DateTimeOffset started, DateTimeOffset ended, PollErrorKind error, string text,
        int messages = 0, long bytes = 0, IReadOnlyList<FolderReport>? folders = null) =>
        new(account, kind == RecordKind.Rpop ? "RPOP" : "RIMAP", name, false, messages, bytes, 0, error.ToString(), text,
            started, ended, folders ?? []);
}
