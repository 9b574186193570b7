using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.Web.Tests;

/// <summary>
/// A node whose web UI is served over HTTPS with a configured PEM certificate (environment RPOLL_WEB_CERT/RPOLL_WEB_KEY),
/// and whose readiness follows its journal.
/// </summary>
public sealed class NodeOperationsTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-web-tls-").FullName;
    private readonly int[] _ports = FreePorts.Take(2);
    private X509Certificate2 _certificate = null!;
    private NodeProcess _node = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var certFile = Path.Combine(_data, "web-cert.pem");
        var keyFile = Path.Combine(_data, "web-key.pem");
        await File.WriteAllTextAsync(certFile, _certificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem(), Ct);
        _node = await NodeProcess.StartAsync(_data, _ports[0], ["--web", $"127.0.0.1:{_ports[1]}"],
            new Dictionary<string, string> { ["RPOLL_WEB_CERT"] = certFile, ["RPOLL_WEB_KEY"] = keyFile });
        var expected = _certificate.Thumbprint;
        _http = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == expected, // exactly ours
        })
        { BaseAddress = new Uri($"https://127.0.0.1:{_ports[1]}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_node is not null) await _node.DisposeAsync();
        _certificate?.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Web_UI_is_served_over_HTTPS_with_the_configured_certificate_and_Secure_cookies()
    {
        var signIn = await WaitForAsync("/signin", HttpStatusCode.OK);
        var cookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        var antiforgery = Assert.Single(cookies, c => c.StartsWith("rpoll.antiforgery=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", antiforgery, StringComparison.OrdinalIgnoreCase);

        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync($"http://127.0.0.1:{_ports[1]}/signin", Ct));
    }

    [Fact]
    public async Task Ready_fails_while_the_journal_cannot_be_read_and_recovers_when_it_can()
    {
        await WaitForAsync("/health/ready", HttpStatusCode.OK);
        var db = Path.Combine(_data, "remotepoll.db");
        var moved = db + ".away";
        File.Move(db, moved); // the node keeps its open handles; a fresh read of the journal finds no database
        try
        {
            var down = await _http.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Contains("journal: Unhealthy", await down.Content.ReadAsStringAsync(Ct));
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health/live", Ct)).StatusCode); // alive, not ready
        }
        finally
        {
            File.Move(moved, db);
        }
        await WaitForAsync("/health/ready", HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> WaitForAsync(string path, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            HttpResponseMessage? r = null;
            try { r = await _http.GetAsync(path, Ct); }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            if (r?.StatusCode == status) return r;
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not answer {status} (last {r?.StatusCode}):\n{_node.Log}");
            await Task.Delay(300, Ct);
        }
    }
}
