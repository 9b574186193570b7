using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemotePoll.Core.Security;

/// <summary>
/// Issues access tokens signed with HMAC-SHA256 under the cluster secret, so every node (and the web front end)
/// holding the same secret accepts them. A token is a bearer credential: whoever has it acts as its caller until it expires.
/// </summary>
public sealed class TokenSigner
{
    /// <summary>Lifetime when none is asked for.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    /// <summary>Hex digits of a token id.</summary>
    public const int IdLength = 24;

    private readonly Func<byte[]> _secret;

    /// <param name="secret">The cluster secret, at least 32 bytes (see <see cref="ClusterSecret"/>).</param>
    public TokenSigner(byte[] secret)
    {
        TokenFormat.CheckSecret(secret);
        _secret = () => secret;
    }

    /// <summary>Signs with whatever <paramref name="secret"/> returns at the time: the current secret after a rotation.</summary>
    internal TokenSigner(Func<byte[]> secret) => _secret = secret;

    /// <summary>A token for <paramref name="caller"/> valid from <paramref name="now"/> for <paramref name="lifetime"/>.</summary>
    public string Issue(Caller caller, DateTimeOffset now, TimeSpan lifetime) => IssueToken(caller, now, lifetime).Text;

    /// <summary>As <see cref="Issue"/>, also returning what the token says (its id and expiry, for a reply or an audit line).</summary>
    public (string Text, AccessToken Token) IssueToken(Caller caller, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), $"a token lives more than 0 and at most {MaxLifetime.TotalDays:0} days");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        var claims = new TokenClaims(id, caller.RoleName, caller.Domain, caller.Account, now.ToUnixTimeSeconds(), expires.ToUnixTimeSeconds());
        var signed = TokenFormat.Prefix + TokenFormat.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(claims)));
        var text = signed + "." + TokenFormat.Encode(TokenFormat.Mac(_secret(), signed));
        return (text, new AccessToken(id, caller, expires));
    }

    public override string ToString() => "TokenSigner (secret not shown)";
}
