using System.Security.Cryptography;

namespace RemotePoll.System.Tests.Security;

/// <summary>
/// Per-record TLS trust as an operator sets it with rpoll against the test Dovecot: a wrong pin fails the poll with the
/// reason in Last/Error even though the node's CA file trusts the certificate, the right pin polls, and the trust is
/// shown in list, --json and the CommuniGate dictionary.
/// </summary>
public sealed class RecordTlsTrustTests(DovecotNode node) : DovecotNodeTest(node), IClassFixture<DovecotNode>
{
    private const string Account = "pinned@example.com";
    private static readonly string WrongHex = new('c', 64);

    private string CertificateHex => Convert.ToHexStringLower(SHA256.HashData(Dovecot.CaCertificate.RawData));
    private string PublicKeyHex => Convert.ToHexStringLower(SHA256.HashData(Dovecot.CaCertificate.PublicKey.ExportSubjectPublicKeyInfo()));

    private async Task Ok(string? stdin, params string[] args)
    {
        var r = await Rpoll(stdin, args);
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
    }

    [Fact]
    public async Task A_wrong_certificate_pin_fails_the_poll_with_both_fingerprints_and_the_right_one_polls()
    {
        await Dovecot.AddUserAsync("pinuser", "secret-pin", Ct);
        await Dovecot.InjectAsync("pinuser", "Subject: pinned\r\n\r\nbody\r\n", cancellationToken: Ct);
        await Ok("secret-pin\n", "rpop", "set", Account, "pop", "--user", "pinuser", "--password-stdin", "--host", $"127.0.0.1:{Dovecot.Pop3sPort}",
            "--tls", "yes", "--every", "disabled", "--tls-pin", "sha256:" + WrongHex);

        var poll = await Rpoll(null, "rpop", "poll", Account, "pop", "--wait");
        var expected = $"certificate pin mismatch: expected sha256:{WrongHex}, server presented sha256:{CertificateHex}";
        Assert.Equal(4, poll.ExitCode); // the poll ran and failed
        Assert.Contains("TlsFailed", poll.StandardOutput);
        Assert.Contains(expected, poll.StandardOutput);
        var list = (await Rpoll(null, "rpop", "list", Account)).StandardOutput;
        Assert.Contains("TlsFailed: ", list);
        Assert.Contains(expected, list);
        Assert.Contains("cert sha256:" + WrongHex, list);
        Assert.Equal(1, await Dovecot.CountAsync("pinuser", cancellationToken: Ct));

        // A change of trust is a change of where the password goes: it is given again (issue 16.3).
        await Ok("secret-pin\n", "rpop", "set", Account, "pop", "--password-stdin", "--tls-pin", "SHA256:" + CertificateHex.ToUpperInvariant());
        var again = await Rpoll(null, "rpop", "poll", Account, "pop", "--wait");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Contains("1 message,", again.StandardOutput);
        Assert.Equal(0, await Dovecot.CountAsync("pinuser", cancellationToken: Ct));
    }

    [Fact]
    public async Task An_RIMAP_public_key_pin_and_accept_any_are_shown_in_list_json_and_the_dictionary()
    {
        await Dovecot.AddUserAsync("spkiuser", "secret-spki", Ct);
        await Ok("secret-spki\n", "rimap", "set", Account, "mirror", "--user", "spkiuser", "--password-stdin", "--host", $"127.0.0.1:{Dovecot.ImapPort}",
            "--security", "starttls", "--every", "disabled", "--tls-spki", "sha256:" + Convert.ToBase64String(Convert.FromHexString(PublicKeyHex)));
        Assert.Contains("spki sha256:" + PublicKeyHex, (await Rpoll(null, "rimap", "list", Account)).StandardOutput);
        var poll = await Rpoll(null, "rimap", "poll", Account, "mirror", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);

        await Ok(null, "rimap", "set", Account, "mirror", "--tls-accept-any", "yes");
        Assert.Contains("accept-any", (await Rpoll(null, "rimap", "list", Account)).StandardOutput);
        Assert.Contains("\"accept-any\"", (await Rpoll(null, "rimap", "list", Account, "--json")).StandardOutput);
        Assert.Contains("tlsAcceptAny=YES", (await Rpoll(null, "cgp", "GETACCOUNTRIMAPS", Account)).StandardOutput);
    }

    [Fact]
    public async Task Bad_trust_options_are_refused_naming_the_field_and_nothing_is_saved()
    {
        var bad = await Rpoll("pw\n", "rpop", "set", Account, "x", "--user", "u", "--password-stdin", "--host", "pop.example.net",
            "--every", "disabled", "--tls-pin", "sha256:1234");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("TLS Pin", bad.StandardError);
        var both = await Rpoll("pw\n", "rpop", "set", Account, "x", "--user", "u", "--password-stdin", "--host", "pop.example.net",
            "--every", "disabled", "--tls-accept-any", "yes", "--tls-ca-file", "/etc/ssl/ca.pem");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("cannot be combined", both.StandardError);
        Assert.DoesNotContain("pop.example.net", (await Rpoll(null, "rpop", "list", Account)).StandardOutput);
    }
}
