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

    /// <summary>The largest record CA file read: a bundle of every public CA is about 250 KiB.</summary>
    public const int MaxRecordCaFileBytes = 1024 * 1024;

    /// <summary>How long reading a record CA file may take before the poll gives up on it.</summary>
    public static readonly TimeSpan RecordCaFileDeadline = TimeSpan.FromSeconds(5);

    /// <param name="caFilePath">The node's CA file (extra roots for every record), or null.</param>
    /// <param name="trust">The record's choice; null is validation.</param>
    /// <param name="caFolder">The node's folder of record CA files (remotepoll.tls.ca-folder); a record's CA file must be
    /// a regular file in it. Null: no record may use a CA file.</param>
    /// <exception cref="RemotePollException">TlsFailed: a CA file cannot be read or holds no certificate.</exception>
    public static CertificateTrust Load(string? caFilePath, TlsTrust? trust = null, string? caFolder = null)
    {
        trust ??= TlsTrust.Validate;
        var roots = new X509Certificate2Collection();
        if (caFilePath is not null) Import(roots, caFilePath, "the CA file");
        if (trust.Mode == TlsTrustMode.CaFile) ImportRecordFile(roots, trust.Value!, caFolder);
        return new CertificateTrust(roots, trust);
    }

    /// <summary>
    /// A record's CA file is named by a server administrator but read on every node for every poll: only a regular file
    /// in the CA folder (also after following links), at most <see cref="MaxRecordCaFileBytes"/>, read within
    /// <see cref="RecordCaFileDeadline"/>, so a device, a pipe or a huge file cannot hold a permit or fill memory. A path
    /// outside the folder is refused without looking at it, so the error does not tell whether such a file exists.
    /// </summary>
    private static void ImportRecordFile(X509Certificate2Collection roots, string path, string? caFolder)
    {
        const string what = "the record's TLS CA file";
        if (caFolder is null)
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' is not used: this node has no CA folder (remotepoll.tls.ca-folder)");
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(caFolder)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(folder, StringComparison.Ordinal))
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' is not in the CA folder {folder}");
        var read = Task.Run(() => ReadRecordFile(full, folder));
        string pem;
        try
        {
            if (!read.Wait(RecordCaFileDeadline))
                throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' could not be read within {RecordCaFileDeadline.TotalSeconds:0} s");
            pem = read.Result;
        }
        catch (AggregateException e) when (e.InnerException is RemotePollException p)
        {
            throw new RemotePollException(p.Kind, $"{what} '{path}' {p.Message}", p);
        }
        catch (AggregateException e) when (e.InnerException is IOException or UnauthorizedAccessException)
        {
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' cannot be read: {e.InnerException.Message}", e.InnerException);
        }
        var before = roots.Count;
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' cannot be read: {e.Message}", e);
        }
        if (roots.Count == before)
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' holds no PEM certificate");
    }

    private static string ReadRecordFile(string full, string folder)
    {
        var info = new FileInfo(full);
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is null || !target.StartsWith(folder, StringComparison.Ordinal))
                throw new RemotePollException(PollErrorKind.TlsFailed, "is a link that leads out of the CA folder");
            info = new FileInfo(target);
        }
        if (!info.Exists) throw new RemotePollException(PollErrorKind.TlsFailed, "does not exist in the CA folder");
        // A regular file has a size and no device or pipe semantics: devices and pipes report 0 (or never end).
        if ((info.Attributes & (FileAttributes.Directory | FileAttributes.Device | FileAttributes.ReparsePoint)) != 0 || info.Length == 0)
            throw new RemotePollException(PollErrorKind.TlsFailed, "is not a regular file with content");
        if (info.Length > MaxRecordCaFileBytes)
            throw new RemotePollException(PollErrorKind.TlsFailed, $"is larger than {MaxRecordCaFileBytes / 1024} KiB");
        using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        var buffer = new byte[MaxRecordCaFileBytes + 1];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
        if (total > MaxRecordCaFileBytes)
            throw new RemotePollException(PollErrorKind.TlsFailed, $"is larger than {MaxRecordCaFileBytes / 1024} KiB");
        return System.Text.Encoding.ASCII.GetString(buffer, 0, total);
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
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' cannot be read: {e.Message}", e);
        }
        if (roots.Count == before)
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{what} '{path}' holds no PEM certificate");
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
