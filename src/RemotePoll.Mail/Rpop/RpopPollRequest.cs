using System.Net;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.OAuth;
using RemotePoll.Mail.Unified;

namespace RemotePoll.Mail.Rpop;

/// <summary>
/// Everything one RPOP poll needs, resolved by the caller: the record, its clear password, the ledger, the rules, and
/// the node's <see cref="SessionLimits"/>.
/// </summary>
public sealed record RpopPollRequest : SessionLimits
{
    public RpopPollRequest() { }

    /// <summary>A request bounded by <paramref name="limits"/> (the node's, taken as they are).</summary>
    public RpopPollRequest(SessionLimits limits) : base(limits) { }

    public required string Account { get; init; }
    public required RpopRecord Record { get; init; }
    public required string Password { get; init; }
    /// <summary>Sign in with this OAuth2 access token instead of <see cref="Password"/> (XOAUTH2/OAUTHBEARER only); null: a password login.</summary>
    public OAuth2Bearer? Bearer { get; init; }
    public required UidLedger Ledger { get; init; }
    /// <summary>The module's Use APOP (spec: APOP needs it, the record's APOP and the server's greeting).</summary>
    public bool UseApop { get; init; } = true;
    public IPAddress? SourceAddress { get; init; }
    /// <summary>Resolves the host (the caller checked the addresses, e.g. against Allow Self-Poll); null: DNS.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolver { get; init; }
    /// <summary>Required when the record has Special (a Unified Domain-Wide Account).</summary>
    public UnifiedOptions? Unified { get; init; }
    /// <summary>Journals a batch's deliveries as started before they are made (exactly once across a crash); null: no marks.</summary>
    public Func<IReadOnlyList<InFlightDelivery>, CancellationToken, Task>? MarkInFlight { get; init; }
    /// <summary>A store that sees what the queue delivers to the account's INBOX, to check deliveries of an interrupted poll; null: none.</summary>
    public IMailboxStore? QueueLookup { get; init; }
    /// <summary>Told after each batch is committed: the messages delivered so far in this poll, and their bytes.</summary>
    public Action<int, long>? Progress { get; init; }

    public override string ToString() => $"RPOP {Account}/{Record.Name} at {Record.Host}";
}
