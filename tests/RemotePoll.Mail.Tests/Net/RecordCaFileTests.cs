using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;
using Xunit;

namespace RemotePoll.Mail.Tests.Net;

/// <summary>
/// Issue 16.4: a record's CA file is read only from the CA folder, only as a regular file, at most 1 MiB, within a
/// deadline; devices, pipes and links out of the folder are refused without blocking, and a path outside the folder is
/// refused in the same words whether or not a file is there.
/// </summary>
public sealed class RecordCaFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rpoll-ca-folder-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private RemotePollException Refused(string path) =>
        Assert.Throws<RemotePollException>(() => CertificateTrust.Load(null, TlsTrust.CaFile(path), _folder));

    private static string SelfSignedPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Record CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return cert.ExportCertificatePem();
    }

    [Fact]
    public void A_PEM_file_in_the_CA_folder_is_read()
    {
        var path = Path.Combine(_folder, "private-ca.pem");
        File.WriteAllText(path, SelfSignedPem());

        var trust = CertificateTrust.Load(null, TlsTrust.CaFile(path), _folder);

        Assert.NotNull(trust);
    }

    [Theory]
    [InlineData("/dev/ptmx")]
    [InlineData("/dev/zero")]
    [InlineData("/etc/passwd")]
    [InlineData("/nonexistent/ca.pem")]
    public void A_path_outside_the_CA_folder_is_refused_without_saying_whether_it_exists(string path)
    {
        var error = Refused(path);

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Equal($"the record's TLS CA file '{path}' is not in the CA folder {_folder}/", error.Message);
    }

    [Fact]
    public void A_path_that_climbs_out_of_the_folder_is_refused()
    {
        var error = Refused(Path.Combine(_folder, "..", "..", "dev", "zero"));

        Assert.Contains("is not in the CA folder", error.Message);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/ptmx")]
    public void A_link_in_the_folder_to_a_device_is_refused_at_once(string device)
    {
        var link = Path.Combine(_folder, "ca.pem");
        File.CreateSymbolicLink(link, device);
        var clock = Stopwatch.StartNew();

        var error = Refused(link);

        Assert.Contains("is a link that leads out of the CA folder", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_folder_reached_through_a_link_to_dev_is_not_read_as_a_file()
    {
        Directory.CreateSymbolicLink(Path.Combine(_folder, "dev"), "/dev");
        var clock = Stopwatch.StartNew();

        var zero = Refused(Path.Combine(_folder, "dev", "zero"));
        var ptmx = Refused(Path.Combine(_folder, "dev", "ptmx"));

        Assert.Contains("is not a regular file", zero.Message);
        Assert.Contains("is not a regular file", ptmx.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_named_pipe_in_the_folder_is_refused_without_blocking()
    {
        var fifo = Path.Combine(_folder, "pipe.pem");
        using (var mkfifo = Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();

        var error = Refused(fifo);

        Assert.Contains("is not a regular file", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_file_larger_than_1_MiB_is_refused()
    {
        var big = Path.Combine(_folder, "big.pem");
        var pem = SelfSignedPem();
        using (var w = File.CreateText(big))
            while (w.BaseStream.Length <= CertificateTrust.MaxRecordCaFileBytes) w.Write(pem);

        var error = Refused(big);

        Assert.Contains("is larger than 1024 KiB", error.Message);
    }

    [Fact]
    public void Without_a_CA_folder_no_record_CA_file_is_read()
    {
        var path = Path.Combine(_folder, "private-ca.pem");
        File.WriteAllText(path, SelfSignedPem());

        var error = Assert.Throws<RemotePollException>(() => CertificateTrust.Load(null, TlsTrust.CaFile(path), caFolder: null));

        Assert.Contains("this node has no CA folder", error.Message);
    }
}
