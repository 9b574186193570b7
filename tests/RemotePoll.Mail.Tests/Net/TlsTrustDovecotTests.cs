using System.Net;
using System.Security.Cryptography;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Tests.Pop3;
using RemotePoll.Mail.Tests.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Net;

/// <summary>
/// Per-record TLS trust against Dovecot's self-signed certificate, through the one connector both protocols use:
/// certificate and public-key pins (match and mismatch, with the reason), a record CA file, and accept-any.
/// No node CA file is given, so the system store alone would refuse this certificate.
/// </summary>
[Integration]
public sealed class TlsTrustDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string CertificateHex => Convert.ToHexStringLower(SHA256.HashData(Server.CaCertificate.RawData));
    private string PublicKeyHex => Convert.ToHexStringLower(SHA256.HashData(Server.CaCertificate.PublicKey.ExportSubjectPublicKeyInfo()));
    private static readonly string OtherHex = new('a', 64);

    private Pop3SessionOptions Pop3s(TlsTrust trust) => new()
    {
        Host = new HostAndPort(Server.Host, Server.Pop3sPort),
        Tls = true,
        Trust = trust,
        CaFolder = Path.GetDirectoryName(Server.CaCertificatePath),
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    private async Task<string> Pop3UserAsync()
    {
        var user = Pop3SessionTests.NewUser();
        await Server.AddUserAsync(user, "pin-pw", Ct);
        return user;
    }

    private async Task LogsInOverPop3sAsync(TlsTrust trust, HostAndPort? host = null)
    {
        var user = await Pop3UserAsync();
        var options = Pop3s(trust);
        if (host is not null) options = options with { Host = host, Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback }) };
        await using var session = await Pop3Session.OpenAsync(options, new Pop3Credentials(user, "pin-pw"), cancellationToken: Ct);
        await session.QuitAsync(Ct);
        Assert.Contains("TLS", await Server.WaitForLogAsync($"Login: user=<{user}>", cancellationToken: Ct));
    }

    private async Task<RemotePollException> RefusedOverPop3sAsync(TlsTrust trust) =>
        await Assert.ThrowsAsync<RemotePollException>(() => Pop3Session.OpenAsync(Pop3s(trust), new Pop3Credentials("nobody", "x"), cancellationToken: Ct));

    [Fact]
    public async Task Without_a_pin_or_CA_the_self_signed_certificate_is_refused_by_default()
    {
        var error = await RefusedOverPop3sAsync(TlsTrust.Validate);
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("not trusted", error.Message);
    }

    [Fact]
    public Task A_matching_certificate_pin_is_accepted() => LogsInOverPop3sAsync(TlsTrust.CertificatePin(CertificateHex));

    [Fact]
    public async Task A_certificate_pin_mismatch_names_both_fingerprints()
    {
        var error = await RefusedOverPop3sAsync(TlsTrust.CertificatePin(OtherHex));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains($"certificate pin mismatch: expected sha256:{OtherHex}, server presented sha256:{CertificateHex}", error.Message);
    }

    [Fact]
    public Task A_matching_public_key_pin_is_accepted() => LogsInOverPop3sAsync(TlsTrust.PublicKeyPin(PublicKeyHex));

    [Fact]
    public async Task A_public_key_pin_mismatch_names_both_fingerprints()
    {
        // The certificate's own fingerprint is not its public key's: a certificate pin given as an SPKI pin fails.
        var error = await RefusedOverPop3sAsync(TlsTrust.PublicKeyPin(CertificateHex));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains($"public key pin mismatch: expected sha256:{CertificateHex}, server presented sha256:{PublicKeyHex}", error.Message);
    }

    [Fact]
    public Task The_records_CA_file_trusts_the_certificate() => LogsInOverPop3sAsync(TlsTrust.CaFile(Server.CaCertificatePath));

    [Fact]
    public async Task The_records_CA_file_still_requires_the_host_name()
    {
        var options = Pop3s(TlsTrust.CaFile(Server.CaCertificatePath)) with
        {
            Host = new HostAndPort("pop.example.net", Server.Pop3sPort),
            Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback }),
        };
        var error = await Assert.ThrowsAsync<RemotePollException>(() => Pop3Session.OpenAsync(options, new Pop3Credentials("nobody", "x"), cancellationToken: Ct));
        Assert.Contains("does not name the host", error.Message);
    }

    [Fact]
    public async Task A_record_CA_file_outside_the_CA_folder_is_TlsFailed_naming_it()
    {
        var error = await RefusedOverPop3sAsync(TlsTrust.CaFile("/nonexistent/record-ca.pem"));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("the record's TLS CA file '/nonexistent/record-ca.pem' is not in the CA folder", error.Message);
    }

    [Fact]
    public Task Accept_any_takes_an_untrusted_certificate_for_another_name() =>
        LogsInOverPop3sAsync(TlsTrust.AcceptAny, new HostAndPort("pop.example.net", Server.Pop3sPort));

    [Fact]
    public async Task IMAP_STARTTLS_honours_a_matching_public_key_pin_and_refuses_a_wrong_one()
    {
        var (user, password) = await RimapTestData.NewRemoteAccountAsync(Server, Ct);
        await Server.InjectAsync(user, RimapTestData.Message("pinned"), cancellationToken: Ct);
        using var local = new TempStore();
        var request = RimapTestData.Request(Server, user, password) with { Security = ConnectionSecurity.StartTls };

        var result = await RimapMirror.RunAsync(request with { Trust = TlsTrust.PublicKeyPin(PublicKeyHex) }, local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);
        Assert.Equal(1, result.Messages);

        var error = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(request with { Trust = TlsTrust.PublicKeyPin(OtherHex) },
            local.Store, new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains($"public key pin mismatch: expected sha256:{OtherHex}, server presented sha256:{PublicKeyHex}", error.Message);
    }

    [Fact]
    public async Task IMAPS_honours_a_certificate_pin_and_refuses_a_wrong_one()
    {
        var (user, password) = await RimapTestData.NewRemoteAccountAsync(Server, Ct);
        using var local = new TempStore();
        var request = RimapTestData.Request(Server, user, password) with
        {
            Security = ConnectionSecurity.SslTls,
            Host = new HostAndPort(Server.Host, Server.ImapsPort),
        };

        await RimapMirror.RunAsync(request with { Trust = TlsTrust.CertificatePin(CertificateHex) }, local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);
        Assert.Contains("TLS", await Server.WaitForLogAsync($"Login: user=<{user}>", cancellationToken: Ct));

        var error = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(request with { Trust = TlsTrust.CertificatePin(OtherHex) },
            local.Store, new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("certificate pin mismatch", error.Message);
    }
}
