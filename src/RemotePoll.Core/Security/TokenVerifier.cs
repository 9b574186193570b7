using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Security;

/// <summary>
/// Checks a token against the cluster secret: well-formed, signed with this secret (constant-time compare),
/// not expired, and its caller consistent. Any node or front end with the secret verifies without asking another.
/// </summary>
public sealed class TokenVerifier
{
    private readonly Func<byte[]> _secret;

    /// <param name="secret">The cluster secret, at least 32 bytes.</param>
    public TokenVerifier(byte[] secret)
    {
        TokenFormat.CheckSecret(secret);
        _secret = () => secret;
    }

    /// <summary>Verifies with whatever <paramref name="secret"/> returns at the time: the current secret after a rotation.</summary>
    internal TokenVerifier(Func<byte[]> secret) => _secret = secret;

    /// <summary>
    /// True with the token's claims when <paramref name="text"/> is a valid token at <paramref name="now"/>; otherwise false
    /// with the reason (for the log and the refusal: missing, malformed, forged or expired). Never throws on bad input.
    /// </summary>
    public bool TryVerify(string? text, DateTimeOffset now, [NotNullWhen(true)] out AccessToken? token, [NotNullWhen(false)] out string? reason)
    {
        token = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) { reason = "no token was given"; return false; }
        if (text.Length > TokenFormat.MaxLength || !text.StartsWith(TokenFormat.Prefix, StringComparison.Ordinal)) { reason = "the token is malformed"; return false; }
        var dot = text.LastIndexOf('.');
        var signed = text[..dot];
        var mac = TokenFormat.Decode(text[(dot + 1)..]);
        if (dot <= TokenFormat.Prefix.Length || mac is null) { reason = "the token is malformed"; return false; }
        if (!CryptographicOperations.FixedTimeEquals(mac, TokenFormat.Mac(_secret(), signed)))
        {
            reason = "the token is not signed with this cluster's secret";
            return false;
        }
        // Signed by us: the claims are ours, but still parsed defensively.
        TokenClaims? claims;
        try { claims = TokenFormat.Decode(signed[TokenFormat.Prefix.Length..]) is { } json ? JsonSerializer.Deserialize<TokenClaims>(json) : null; }
        catch (JsonException) { claims = null; }
        if (claims is null || string.IsNullOrEmpty(claims.Id)) { reason = "the token is malformed"; return false; }
        Caller caller;
        try { caller = Caller.Create(RoleNames.Parse(claims.Role), claims.Domain, claims.Account); }
        catch (ValidationException ex) { reason = $"the token is malformed: {ex.Message}"; return false; }
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.Expires);
        if (now >= expires) { reason = $"the token expired at {expires:yyyy-MM-dd HH:mm:ss} UTC"; return false; }
        token = new AccessToken(claims.Id, caller, expires);
        reason = null;
        return true;
    }

    public override string ToString() => "TokenVerifier (secret not shown)";
}
