namespace RemotePoll.Mail.Delivery;

/// <summary>Limits and names for an <see cref="LmtpClient"/> session.</summary>
public sealed record LmtpClientOptions
{
    /// <summary>The name sent in LHLO; the machine name when null.</summary>
    public string? LocalName { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long any single reply may take, and any write.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long each per-recipient reply after the final dot may take (RFC 5321 4.5.3.2.6 suggests 10 minutes).</summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest reply line accepted, CRLF excluded; a longer one is a protocol error.</summary>
    public int MaxLineLength { get; init; } = 4096;

    /// <summary>The most lines one reply may have (LHLO lists one extension a line).</summary>
    public int MaxReplyLines { get; init; } = 100;

    public static readonly LmtpClientOptions Default = new();
}
