namespace RemotePoll.Core.Records;

/// <summary>How a record's remote server certificate is trusted (see <see cref="TlsTrust"/>).</summary>
public enum TlsTrustMode
{
    /// <summary>The system trust store (plus the node's CA file); the host name must match. The default.</summary>
    Validate,
    /// <summary>The server's certificate must have this SHA-256 fingerprint (of its DER encoding).</summary>
    CertificatePin,
    /// <summary>The server's public key must have this SHA-256 fingerprint (of its SubjectPublicKeyInfo).</summary>
    PublicKeyPin,
    /// <summary>The chain must validate against the system store, the node's CA file or this record's CA file; the host name must match.</summary>
    CaFile,
    /// <summary>Any certificate: an explicit, visible opt-in per record.</summary>
    AcceptAny,
}
