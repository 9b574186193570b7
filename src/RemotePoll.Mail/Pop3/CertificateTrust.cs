using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RemotePoll.Core.Polling;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// Server certificate validation: the system store first; if the chain does not validate there, the
/// configured CA file as extra roots. The host name must always match. Nothing is blanket-accepted.
/// </summary>
internal sealed class CertificateTrust
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private readonly X509Certificate2Collection _extraRoots;

    private CertificateTrust(X509Certificate2Collection extraRoots) => _extraRoots = extraRoots;

    /// <summary>Why the last certificate was refused, for the error message.</summary>
    public string? LastFailure { get; private set; }

    /// <exception cref="Pop3PollException">TlsFailed: the CA file cannot be read or holds no certificate.</exception>
    public static CertificateTrust Load(string? caFilePath)
    {
        var roots = new X509Certificate2Collection();
        if (caFilePath is null) return new CertificateTrust(roots);
        try
        {
            roots.ImportFromPemFile(caFilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new Pop3PollException(PollErrorKind.TlsFailed, $"the CA file '{caFilePath}' cannot be read: {e.Message}", e);
        }
        if (roots.Count == 0)
            throw new Pop3PollException(PollErrorKind.TlsFailed, $"the CA file '{caFilePath}' holds no PEM certificate");
        return new CertificateTrust(roots);
    }

    public bool Validate(object? sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        LastFailure = null;
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return Refuse("the server sent no certificate");
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
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf) || Refuse("the certificate chain is trusted neither by the system nor by the CA file: " + Describe(custom));
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
