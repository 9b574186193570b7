using RemotePoll.Core.Secrets;

namespace RemotePoll.Core.Records;

/// <summary>
/// An RPOP record: a remote POP3 account polled on behalf of a local account (spec, RPOP Component).
/// The password is kept sealed; <see cref="Special"/> only on postmaster of the main domain.
/// </summary>
public sealed record RpopRecord(
    string Name,
    PollPeriod Period,
    string AuthName,
    HostAndPort Host,
    SealedSecret Password,
    bool Leave = false,
    bool Apop = false,
    bool Tls = false,
    string? Mailbox = null,
    string? Special = null)
{
    /// <summary>Created or last retargeted by the account's user (not an administrator): outbound safety checks its target.</summary>
    public bool ByAccountUser { get; init; }

    public const int DefaultPort = 110;
    public const int DefaultTlsPort = 995;

    /// <summary>The port to connect to: explicit, else 995 with TLS, else 110.</summary>
    public int Port => Host.PortOr(Tls ? DefaultTlsPort : DefaultPort);
}
