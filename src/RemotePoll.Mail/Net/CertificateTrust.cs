using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;

namespace RemotePoll.Mail.Net;

/// <summary>
/// Server certificate validation for one record, as its <see cref="TlsTrust"/> says. By default (and with a record
/// CA file) the chain must be trusted by the system store or, failing that, by the extra roots (the node's CA file,
/// the record's), and the host name must match. A certificate pin or public-key pin accepts exactly the pinned
/// certificate or key and nothing else. Accept-any accepts anything: an explicit per-record opt-in.
/// </summary>
internal sealed class CertificateTrust
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private readonly X509Certificate2Collection _extraRoots;
    private readonly TlsTrust _trust;

    private CertificateTrust(X509Certificate2Collection extraRoots, TlsTrust trust)
    {
        _extraRoots = extraRoots;
        _trust = trust;
    }

    /// <summary>Why the last certificate was refused, for the error message.</summary>
    public string? LastFailure { get; private set; }

    /// <param name="caFilePath">The node's CA file (extra roots for every record), or null.</param>
    /// <param name="trust">The record's choice; null is validation.</param>
    /// <exception cref="Pop3PollException">TlsFailed: a CA file cannot be read or holds no certificate.</exception>
    public static CertificateTrust Load(string? caFilePath, TlsTrust? trust = null)
    {
        trust ??= TlsTrust.Validate;
        var roots = new X509Certificate2Collection();
        if (caFilePath is not null) Import(roots, caFilePath, "the CA file");
        if (trust.Mode == TlsTrustMode.CaFile) Import(roots, trust.Value!, "the record's TLS CA file");
        return new CertificateTrust(roots, trust);
    }

    private static void Import(X509Certificate2Collection roots, string path, string what)
    {
        var before = roots.Count;
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new Pop3PollException(PollErrorKind.TlsFailed, $"{what} '{path}' cannot be read: {e.Message}", e);
        }
        if (roots.Count == before)
            throw new Pop3PollException(PollErrorKind.TlsFailed, $"{what} '{path}' holds no PEM certificate");
    }

    public bool Validate(object? sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        LastFailure = null;
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return _trust.Mode == TlsTrustMode.AcceptAny || Refuse("the server sent no certificate");
        switch (_trust.Mode)
        {
            case TlsTrustMode.AcceptAny:
                return true;
            case TlsTrustMode.CertificatePin:
            {
                var presented = TlsTrust.Fingerprint(SHA256.HashData(certificate.GetRawCertData()));
                return presented == "sha256:" + _trust.Value
                    || Refuse($"certificate pin mismatch: expected sha256:{_trust.Value}, server presented {presented}");
            }
            case TlsTrustMode.PublicKeyPin:
            {
                using var leaf = new X509Certificate2(certificate);
                var presented = TlsTrust.Fingerprint(SHA256.HashData(leaf.PublicKey.ExportSubjectPublicKeyInfo()));
                return presented == "sha256:" + _trust.Value
                    || Refuse($"public key pin mismatch: expected sha256:{_trust.Value}, server presented {presented}");
            }
        }
        if (errors == SslPolicyErrors.None) return true;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return Refuse("the certificate does not name the host");
        if (_extraRoots.Count == 0)
            return Refuse("the certificate chain is not trusted: " + Describe(chain));

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        // Private CAs rarely publish revocation lists; the system-store path above keeps the default checks.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (chain is not null)
            foreach (var element in chain.ChainElements)
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        using var presentedLeaf = new X509Certificate2(certificate);
        var source = _trust.Mode == TlsTrustMode.CaFile ? "the record's TLS CA file" : "the CA file";
        return custom.Build(presentedLeaf) || Refuse($"the certificate chain is trusted neither by the system nor by {source}: " + Describe(custom));
    }

    private bool Refuse(string why)
    {
        LastFailure = why;
        return false;
    }

    private static string Describe(X509Chain? chain)
    {
        if (chain is null) return "no chain";
        var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray();
        return statuses.Length == 0 ? "unknown reason" : string.Join(", ", statuses);
    }
}
