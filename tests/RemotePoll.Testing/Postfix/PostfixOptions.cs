namespace RemotePoll.Testing.Postfix;

/// <summary>How a <see cref="PostfixServer"/> is set up.</summary>
public sealed record PostfixOptions
{
    /// <summary>The LMTP server (host, port) every message of <see cref="Domains"/> goes to: the test Dovecot's.</summary>
    public required (string Host, int Port) Lmtp { get; init; }

    /// <summary>The domains Postfix accepts mail for (virtual_mailbox_domains); any other recipient is refused at RCPT
    /// (554 5.7.1 Relay access denied).</summary>
    public IReadOnlyList<string> Domains { get; init; } = ["example.com"];

    /// <summary>EHLO keywords smtpd leaves out (smtpd_discard_ehlo_keywords), e.g. <c>chunking</c>, <c>pipelining</c>.</summary>
    public IReadOnlyList<string> DiscardEhloKeywords { get; init; } = [];

    /// <summary>PEM certificate and key for STARTTLS (smtpd_tls_security_level = may); null: no TLS.</summary>
    public (string CertificateFile, string KeyFile)? Tls { get; init; }

    /// <summary>Extra main.cf lines, appended last (a later line wins).</summary>
    public string? ExtraMainCf { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
