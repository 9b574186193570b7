using MailKit.Security;

namespace RemotePoll.Mail.Delivery;

/// <summary>Session settings for <see cref="SmtpQueueDelivery"/>.</summary>
public sealed record SmtpQueueOptions
{
    /// <summary>The name sent in EHLO; MailKit's default (the machine name) when null.</summary>
    public string? LocalDomain { get; init; }

    /// <summary>A local MTA on loopback needs no TLS; use StartTls for one across the network.</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.None;

    /// <summary>The server certificate check for TLS; null: the system's trust (SslStream's own validation).</summary>
    public System.Net.Security.RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long any read or write may take (MailKit's Timeout).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxIdleSessions { get; init; } = 4;
}
