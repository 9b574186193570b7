using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace RemotePoll.Cluster.Hosting;

/// <summary>
/// TLS for the cluster transport (Akka remoting over DotNetty), for nodes and for rpoll alike: this process's
/// certificate with its private key (PKCS#12, or PEM certificate plus PEM key), and the CA file its peers' certificates
/// must chain to (for a self-signed cluster certificate, the certificate itself). Mutual authentication is required by
/// default, so a process without a certificate from that CA can neither join nor reach the admin API.
/// </summary>
public sealed record ClusterTls(string Certificate, string? Key, string? Password, string CaFile, bool RequireMutualAuthentication = true)
{
    /// <summary>The address scheme of an Akka system with TLS remoting.</summary>
    public const string TlsScheme = "akka.ssl.tcp";
    public const string PlainScheme = "akka.tcp";

    /// <summary>Turns TLS on for the DotNetty transport; the certificate and validation come with <see cref="Setup"/>.</summary>
    public static readonly Config Hocon = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = true");

    /// <summary>
    /// The settings from the command line or environment (<paramref name="certificate"/>, <paramref name="key"/>,
    /// <paramref name="caFile"/>, RPOLL_TLS_PASSWORD) over the <c>remotepoll.cluster-tls</c> HOCON section; null when no
    /// certificate is configured (plain TCP). Throws <see cref="ArgumentException"/> naming the setting that is wrong.
    /// </summary>
    public static ClusterTls? From(Config? hocon, string? certificate, string? key, string? caFile, Func<string, string?> environment)
    {
        var c = hocon?.GetConfig("remotepoll.cluster-tls") ?? Config.Empty;
        string? Hocon(string name) => c.GetString(name, "") is { Length: > 0 } v ? v : null;
        var cert = certificate ?? Hocon("certificate");
        if (cert is null) return null;
        var ca = caFile ?? Hocon("ca-file")
            ?? throw new ArgumentException("cluster TLS: a CA file is required (--tls-ca, RPOLL_TLS_CA or remotepoll.cluster-tls.ca-file): the certificates peers must chain to");
        var tls = new ClusterTls(cert, key ?? Hocon("key"), environment("RPOLL_TLS_PASSWORD") ?? Hocon("password"), ca,
            c.GetBoolean("require-mutual-authentication", true));
        foreach (var (name, path) in new[] { ("certificate", tls.Certificate), ("key", tls.Key), ("ca-file", tls.CaFile) })
            if (path is not null && !File.Exists(path)) throw new ArgumentException($"cluster TLS {name}: '{path}' does not exist");
        return tls;
    }

    /// <summary>The ActorSystem setup that gives DotNetty this process's certificate and the CA check for peers.</summary>
    public DotNettySslSetup Setup()
    {
        var authorities = LoadAuthorities();
        return new DotNettySslSetup(LoadCertificate(), suppressValidation: false, RequireMutualAuthentication,
            (certificate, chain, peer, _, log) => Validate(authorities, certificate, chain, peer, log));
    }

    /// <exception cref="ArgumentException">The certificate cannot be read or has no private key.</exception>
    public X509Certificate2 LoadCertificate()
    {
        X509Certificate2 cert;
        try
        {
            cert = Key is not null || Certificate.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || Certificate.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
                ? X509Certificate2.CreateFromPemFile(Certificate, Key)
                : X509CertificateLoader.LoadPkcs12FromFile(Certificate, Password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cluster TLS certificate: '{Certificate}' cannot be read: {e.Message}", e);
        }
        if (!cert.HasPrivateKey) throw new ArgumentException($"cluster TLS certificate: '{Certificate}' has no private key (give the key with --tls-key)");
        return cert;
    }

    private X509Certificate2Collection LoadAuthorities()
    {
        var roots = new X509Certificate2Collection();
        try { roots.ImportFromPemFile(CaFile); }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cluster TLS ca-file: '{CaFile}' cannot be read: {e.Message}", e);
        }
        if (roots.Count == 0) throw new ArgumentException($"cluster TLS ca-file: '{CaFile}' holds no PEM certificate");
        return roots;
    }

    /// <summary>A peer is admitted when its certificate chains to the cluster CA file; host names are not checked (nodes move).</summary>
    private static bool Validate(X509Certificate2Collection authorities, X509Certificate2? certificate, X509Chain? presented, string peer, ILoggingAdapter log)
    {
        if (certificate is null)
        {
            log.Warning($"cluster TLS: {peer} presented no certificate; refused");
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(certificate)) return true;
        var why = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        log.Warning($"cluster TLS: {peer} presented {certificate.Subject} (SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}), which does not chain to the cluster CA file ({why}); refused");
        return false;
    }
}
