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

    public const int DefaultPort = 110;
    public const int DefaultTlsPort = 995;

    /// <summary>How the server's TLS certificate is trusted: validated by default; a pin, a CA file or accept-any per record.</summary>
    public TlsTrust Trust { get; init; } = TlsTrust.Validate;

    /// <summary>
    /// Created or last changed by an account user (not an administrator): it may not target loopback, private,
    /// link-local or the cluster's own addresses, and its Poll Every has the module's user minimum.
    /// </summary>
    public bool ByAccountUser { get; init; }

    /// <summary>
    /// STLS (RFC 2595) on the plain port: the session must turn TLS on before it logs in, and fails with TlsFailed when the
    /// server does not offer it (never a clear-text login). Never together with <see cref="Tls"/> (implicit TLS).
    /// </summary>
    public bool StartTls { get; init; }

    /// <summary>Set: the record signs in with OAuth2 through this provider and its grant, never with <see cref="Password"/>.</summary>
    public OAuth.OAuthSignIn? OAuth { get; init; }

    /// <summary>The port to connect to: explicit, else 995 with TLS, else 110.</summary>
    public int Port => Host.PortOr(Tls ? DefaultTlsPort : DefaultPort);

    /// <summary>Where the password goes: a change of it voids the stored password (see <see cref="RecordDestination"/>).</summary>
    public RecordDestination Destination => new(Host.Host, Port, TlsWord, Trust, AuthName);

    /// <summary>The record's transport in the CLI's and the dictionaries' words: "TLS", "STARTTLS" or "plain".</summary>
    public string TlsWord => Tls ? "TLS" : StartTls ? "STARTTLS" : "plain";
}
