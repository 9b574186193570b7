using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using RemotePoll.Testing.Net;

namespace RemotePoll.Testing.OAuth;

/// <summary>
/// A local OAuth2 authorization server for the tests, on http://127.0.0.1:PORT with the endpoint shapes of
/// Google and Microsoft: token (authorization_code with PKCE S256, refresh_token with optional rotation,
/// device_code, client_credentials), device authorization (RFC 8628), revocation (RFC 7009), a consent page
/// for the authorization-code flow, and token introspection (RFC 7662) for Dovecot's <c>passdb oauth2</c>.
/// Access tokens are opaque random strings with a lifetime the test sets; everything lives in memory.
/// </summary>
public sealed class OAuthTestServer : IAsyncDisposable
{
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, string> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Issued> _access = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _refresh = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CodeGrant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceRequest> _devices = new(StringComparer.Ordinal);
    private int _tokenRequests;
    private int _refreshes;
    private int _introspections;
    private int _revocations;

    private OAuthTestServer(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";
    public string AuthorizationEndpoint => BaseUrl + "/authorize";
    public string TokenEndpoint => BaseUrl + "/token";
    public string DeviceAuthorizationEndpoint => BaseUrl + "/device/code";
    public string RevocationEndpoint => BaseUrl + "/revoke";
    public string IntrospectionEndpoint => BaseUrl + "/introspect";
    /// <summary>Where the device flow sends the user (the page to enter the user code).</summary>
    public string VerificationUri => BaseUrl + "/device";

    /// <summary>How long new access tokens live (expires_in).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Each refresh returns a new refresh token and voids the old one (as Microsoft does).</summary>
    public bool RotateRefreshTokens { get; set; }

    /// <summary>
    /// The mailbox app-only (client-credentials) tokens are good for, as a tenant's administrator grants an application
    /// rights over mailboxes; null: they name the client. Introspection answers with it as the user.
    /// </summary>
    public string? AppTokensActAs { get; set; }

    /// <summary>The account name the consent page and the device page sign in as, unless the request names another.</summary>
    public string ConsentUser { get; set; } = "user";

    /// <summary>How many token requests were answered (any grant, success or not).</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>How many refresh_token grants succeeded.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>How many introspection requests Dovecot (or anyone) made.</summary>
    public int Introspections => Volatile.Read(ref _introspections);

    /// <summary>
    /// Awaited with the token before an introspection is answered, so a test can act at the moment a client first uses an
    /// access token (Dovecot introspects while the client's AUTH waits), e.g. kill the client's node there.
    /// </summary>
    public Func<string, Task>? BeforeIntrospection { get; set; }

    /// <summary>How the token endpoint misbehaves (every grant), as a provider in trouble does; <see cref="Fault.None"/>: it answers.</summary>
    public Fault TokenFault { get; set; }

    /// <summary>What a provider's token endpoint does when it is in trouble.</summary>
    public enum Fault
    {
        None,
        /// <summary>HTTP 503 with an HTML page, as a load balancer in front of a provider answers.</summary>
        ServerUnavailable,
        /// <summary>HTTP 200 whose body is not JSON.</summary>
        MalformedJson,
        /// <summary>No answer for a minute (the client's timeout ends it).</summary>
        Hang,
    }

    /// <summary>How many revocation requests (RFC 7009) were answered.</summary>
    public int Revocations => Volatile.Read(ref _revocations);

    /// <summary>True when <paramref name="refreshToken"/> was issued and is no longer good (revoked, rotated away).</summary>
    public bool IsRevoked(string refreshToken) => _refresh.TryGetValue(refreshToken, out var g) && g.Revoked;

    /// <summary>Every access token ever issued (for tests that grep logs and files for them).</summary>
    public IReadOnlyCollection<string> IssuedAccessTokens => _access.Keys.ToArray();

    /// <summary>Every refresh token ever issued, live or not.</summary>
    public IReadOnlyCollection<string> IssuedRefreshTokens => _refresh.Keys.ToArray();

    /// <summary>Starts a server on a free loopback port.</summary>
    public static Task<OAuthTestServer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Take(1)[0];
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
                return Task.FromResult(new OAuthTestServer(listener, port));
            }
            catch (HttpListenerException) when (attempt < 4)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Registers a client; its secret is required at the token endpoint (client_secret_post or Basic).</summary>
    public void AddClient(string clientId, string clientSecret) => _clients[clientId] = clientSecret;

    /// <summary>Issues a grant directly (as if the user had consented): the refresh token and its first access token.</summary>
    public (string AccessToken, string RefreshToken) IssueGrant(string user, string clientId)
    {
        var grant = new Grant(user, clientId);
        var refresh = NewToken("rt");
        _refresh[refresh] = grant;
        return (IssueAccess(user, clientId), refresh);
    }

    /// <summary>Voids every refresh and access token of <paramref name="user"/> (revoked consent, password change).</summary>
    public void RevokeUser(string user)
    {
        foreach (var (k, g) in _refresh) if (g.User == user) _refresh[k] = g with { Revoked = true };
        foreach (var (k, a) in _access) if (a.User == user) _access[k] = a with { Revoked = true };
    }

    /// <summary>Voids one access token at once (Dovecot's next introspection refuses it).</summary>
    public void ExpireAccessToken(string accessToken)
    {
        if (_access.TryGetValue(accessToken, out var a)) _access[accessToken] = a with { Revoked = true };
    }

    /// <summary>Approves a pending device authorization for <paramref name="user"/> (as the user would on the device page).</summary>
    public bool ApproveDevice(string userCode, string? user = null)
    {
        foreach (var (code, d) in _devices)
        {
            if (!string.Equals(d.UserCode, userCode, StringComparison.Ordinal)) continue;
            _devices[code] = d with { ApprovedUser = user ?? ConsentUser };
            return true;
        }
        return false;
    }

    /// <summary>The user codes of device authorizations not yet approved.</summary>
    public IReadOnlyList<string> PendingUserCodes => _devices.Values.Where(d => d.ApprovedUser is null).Select(d => d.UserCode).ToArray();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        try { await _loop.ConfigureAwait(false); }
        catch (ObjectDisposedException) { }
        catch (HttpListenerException) { }
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            var form = request.HttpMethod == "POST" ? await ReadFormAsync(request).ConfigureAwait(false) : new Dictionary<string, string>();
            var query = HttpUtility.ParseQueryString(request.Url?.Query ?? "");
            if (request.HttpMethod == "POST" && request.Url!.AbsolutePath == "/introspect" && BeforeIntrospection is { } hook)
                await hook(form.GetValueOrDefault("token") ?? "").ConfigureAwait(false);
            if (request.HttpMethod == "POST" && request.Url!.AbsolutePath == "/token" && TokenFault == Fault.Hang)
            {
                Interlocked.Increment(ref _tokenRequests);
                await Task.Delay(TimeSpan.FromMinutes(1), _stop.Token).ConfigureAwait(false);
            }
            var (status, contentType, body, location) = (request.HttpMethod, request.Url!.AbsolutePath, TokenFault) switch
            {
                ("POST", "/token", Fault.ServerUnavailable) => Faulty(503, "text/html", "<html><body>Service Unavailable</body></html>"),
                ("POST", "/token", Fault.MalformedJson) => Faulty(200, "application/json", "{\"access_token\": \"at-cut"),
                ("POST", "/token", _) => Json(Token(request, form)),
                ("POST", "/device/code", _) => Json(DeviceAuthorization(request, form)),
                ("POST", "/revoke", _) => Json(Revoke(form)),
                ("POST", "/introspect", _) => Json(Introspect(form)),
                ("GET", "/authorize", _) => ConsentPage(query),
                ("POST", "/authorize", _) => Consent(form),
                ("GET", "/device", _) => Html(200, "<form method=post><input name=user_code><button>Continue</button></form>"),
                ("POST", "/device", _) => DevicePage(form),
                _ => Json((404, new Dictionary<string, object> { ["error"] = "not_found" })),
            };
            response.StatusCode = status;
            if (location is not null) response.RedirectLocation = location;
            response.ContentType = contentType;
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            try { response.Close(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { }
        }
    }

    private (int, object) Token(HttpListenerRequest request, Dictionary<string, string> form)
    {
        Interlocked.Increment(ref _tokenRequests);
        if (!Authenticate(request, form, out var clientId)) return Error(401, "invalid_client");
        var grantType = form.GetValueOrDefault("grant_type");
        switch (grantType)
        {
            case "authorization_code":
            {
                if (!_codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var code) || code.ClientId != clientId)
                    return Error(400, "invalid_grant");
                if (code.RedirectUri != form.GetValueOrDefault("redirect_uri")) return Error(400, "invalid_grant");
                var verifier = form.GetValueOrDefault("code_verifier") ?? "";
                var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                if (code.Challenge != challenge) return Error(400, "invalid_grant");
                var answer = TokenAnswer(code.User, clientId, newRefresh: true, scope: code.Scope);
                if (HasScope(code.Scope, "openid")) answer["id_token"] = IdToken(code.User, clientId, HasScope(code.Scope, "email"));
                return (200, answer);
            }
            case "refresh_token":
            {
                var old = form.GetValueOrDefault("refresh_token") ?? "";
                if (!_refresh.TryGetValue(old, out var grant) || grant.Revoked || grant.ClientId != clientId)
                    return Error(400, "invalid_grant");
                Interlocked.Increment(ref _refreshes);
                if (RotateRefreshTokens) _refresh[old] = grant with { Revoked = true };
                var answer = TokenAnswer(grant.User, clientId, newRefresh: RotateRefreshTokens, scope: null);
                return (200, answer);
            }
            case DeviceGrant:
            {
                var code = form.GetValueOrDefault("device_code") ?? "";
                if (!_devices.TryGetValue(code, out var device) || device.ClientId != clientId) return Error(400, "invalid_grant");
                if (device.ApprovedUser is null) return Error(400, "authorization_pending");
                _devices.TryRemove(code, out _);
                return (200, TokenAnswer(device.ApprovedUser, clientId, newRefresh: true, scope: device.Scope));
            }
            case "client_credentials":
                // App-only: the token names no user; introspection answers with the client as the subject.
                return (200, TokenAnswer(null, clientId, newRefresh: false, scope: form.GetValueOrDefault("scope")));
            default:
                return Error(400, "unsupported_grant_type");
        }
    }

    private Dictionary<string, object> TokenAnswer(string? user, string clientId, bool newRefresh, string? scope)
    {
        var answer = new Dictionary<string, object>
        {
            ["access_token"] = IssueAccess(user, clientId),
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)Math.Max(1, AccessTokenLifetime.TotalSeconds),
        };
        if (scope is not null) answer["scope"] = scope;
        if (newRefresh && user is not null)
        {
            var refresh = NewToken("rt");
            _refresh[refresh] = new Grant(user, clientId);
            answer["refresh_token"] = refresh;
        }
        return answer;
    }

    /// <summary>
    /// An OpenID Connect id_token for <paramref name="user"/> (scope openid): <c>preferred_username</c> as Microsoft gives it,
    /// and <c>email</c> as Google gives it with scope email. Signed HS256 with the client's secret (OpenID Connect Core 10.1).
    /// </summary>
    private string IdToken(string user, string clientId, bool withEmail)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = BaseUrl,
            ["sub"] = "sub-" + user,
            ["aud"] = clientId,
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
            ["preferred_username"] = user,
        };
        if (withEmail) claims["email"] = user;
        var signed = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""")) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_clients.GetValueOrDefault(clientId, "")), Encoding.ASCII.GetBytes(signed));
        return signed + "." + Base64Url(signature);
    }

    private static bool HasScope(string? scopes, string scope) =>
        scopes?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal) == true;

    private (int, object) DeviceAuthorization(HttpListenerRequest request, Dictionary<string, string> form)
    {
        if (!Authenticate(request, form, out var clientId)) return Error(401, "invalid_client");
        var deviceCode = NewToken("dc");
        var userCode = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        _devices[deviceCode] = new DeviceRequest(clientId, userCode, form.GetValueOrDefault("scope"), null);
        return (200, new Dictionary<string, object>
        {
            ["device_code"] = deviceCode,
            ["user_code"] = userCode,
            ["verification_uri"] = VerificationUri,
            ["expires_in"] = 600,
            ["interval"] = 1,
        });
    }

    private (int, string, string, string?) Faulty(int status, string contentType, string body)
    {
        Interlocked.Increment(ref _tokenRequests);
        return (status, contentType, body, null);
    }

    private (int, object) Revoke(Dictionary<string, string> form)
    {
        Interlocked.Increment(ref _revocations);
        var token = form.GetValueOrDefault("token") ?? "";
        if (_refresh.TryGetValue(token, out var g)) _refresh[token] = g with { Revoked = true };
        ExpireAccessToken(token);
        return (200, new Dictionary<string, object>());
    }

    private (int, object) Introspect(Dictionary<string, string> form)
    {
        Interlocked.Increment(ref _introspections);
        var token = form.GetValueOrDefault("token") ?? "";
        if (!_access.TryGetValue(token, out var a) || a.Revoked || a.Expires <= DateTimeOffset.UtcNow)
            return (200, new Dictionary<string, object> { ["active"] = false });
        return (200, new Dictionary<string, object>
        {
            ["active"] = true,
            ["username"] = a.User ?? AppTokensActAs ?? a.ClientId,
            ["client_id"] = a.ClientId,
            ["exp"] = a.Expires.ToUnixTimeSeconds(),
        });
    }

    private (int, string, string, string?) ConsentPage(System.Collections.Specialized.NameValueCollection q)
    {
        string Field(string name) => WebUtility.HtmlEncode(q[name] ?? "");
        if (q["response_type"] != "code" || !_clients.ContainsKey(q["client_id"] ?? "") || string.IsNullOrEmpty(q["redirect_uri"])
            || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            return Html(400, "<p id=error>invalid_request</p>");
        var hidden = string.Concat(new[] { "client_id", "redirect_uri", "state", "scope", "code_challenge" }
            .Select(n => $"<input type=hidden name={n} value=\"{Field(n)}\">"));
        return Html(200, $"""
            <html><body><h1>Test provider</h1><p>Allow access to your mail?</p>
            <form method=post action=/authorize>{hidden}
            <label>Account <input id=user name=user value="{WebUtility.HtmlEncode(q["login_hint"] ?? ConsentUser)}"></label>
            <button id=allow name=decision value=allow>Allow</button>
            <button id=deny name=decision value=deny>Deny</button></form></body></html>
            """);
    }

    private (int, string, string, string?) Consent(Dictionary<string, string> form)
    {
        var redirect = form.GetValueOrDefault("redirect_uri") ?? "";
        var state = form.GetValueOrDefault("state") ?? "";
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        if (form.GetValueOrDefault("decision") != "allow")
            return (302, "text/plain", "", $"{redirect}{separator}error=access_denied&state={Uri.EscapeDataString(state)}");
        var code = NewToken("ac");
        _codes[code] = new CodeGrant(form.GetValueOrDefault("user") ?? ConsentUser, form.GetValueOrDefault("client_id") ?? "",
            redirect, form.GetValueOrDefault("code_challenge") ?? "", form.GetValueOrDefault("scope"));
        return (302, "text/plain", "", $"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");
    }

    private (int, string, string, string?) DevicePage(Dictionary<string, string> form) =>
        ApproveDevice(form.GetValueOrDefault("user_code") ?? "", form.GetValueOrDefault("user"))
            ? Html(200, "<p id=done>Device connected</p>")
            : Html(400, "<p id=error>unknown code</p>");

    private bool Authenticate(HttpListenerRequest request, Dictionary<string, string> form, out string clientId)
    {
        clientId = form.GetValueOrDefault("client_id") ?? "";
        var secret = form.GetValueOrDefault("client_secret");
        if (request.Headers["Authorization"] is { } header && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                clientId = Uri.UnescapeDataString(pair[..colon]);
                secret = Uri.UnescapeDataString(pair[(colon + 1)..]);
            }
        }
        return _clients.TryGetValue(clientId, out var known) && secret == known;
    }

    private string IssueAccess(string? user, string clientId)
    {
        var token = NewToken("at");
        _access[token] = new Issued(user, clientId, DateTimeOffset.UtcNow + AccessTokenLifetime);
        return token;
    }

    private static string NewToken(string prefix) => prefix + "-" + Base64Url(RandomNumberGenerator.GetBytes(24));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (int, object) Error(int status, string error) => (status, new Dictionary<string, object> { ["error"] = error });

    private static (int, string, string, string?) Json((int Status, object Body) answer) =>
        (answer.Status, "application/json", JsonSerializer.Serialize(answer.Body), null);

    private static (int, string, string, string?) Html(int status, string html) => (status, "text/html; charset=utf-8", html, null);

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().ConfigureAwait(false);
        var parsed = HttpUtility.ParseQueryString(text);
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in parsed.AllKeys)
            if (key is not null) form[key] = parsed[key] ?? "";
        return form;
    }

    private sealed record Issued(string? User, string ClientId, DateTimeOffset Expires, bool Revoked = false);

    private sealed record Grant(string User, string ClientId, bool Revoked = false);

    private sealed record CodeGrant(string User, string ClientId, string RedirectUri, string Challenge, string? Scope);

    private sealed record DeviceRequest(string ClientId, string UserCode, string? Scope, string? ApprovedUser);
}
