namespace RemotePoll.Core.Records;

/// <summary>RIMAP "Connection Security": spec values None, STARTTLS, "SSL/TLS".</summary>
public enum ConnectionSecurity
{
    /// <summary>Port 143 without encryption.</summary>
    None,
    /// <summary>Port 143, upgraded with STARTTLS (required).</summary>
    StartTls,
    /// <summary>Implicit TLS, port 993.</summary>
    SslTls,
}
