using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace RemotePoll.Core.Security;

/// <summary>
/// The token's text: <c>rpt1.BASE64URL(claims JSON).BASE64URL(HMAC-SHA256(secret, "rpt1." + claims part))</c>.
/// Shared by <see cref="TokenSigner"/> and <see cref="TokenVerifier"/> so the two cannot drift apart.
/// </summary>
internal static class TokenFormat
{
    public const string Prefix = "rpt1.";
    public const int MaxLength = 4096;
    public const int MinSecretBytes = 32;

    public static byte[] Mac(byte[] secret, string signedPart) => HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signedPart));

    public static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public static byte[]? Decode(string text)
    {
        try { return Base64Url.DecodeFromChars(text); }
        catch (FormatException) { return null; }
    }

    public static void CheckSecret(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinSecretBytes) throw new ArgumentException($"the cluster secret must be at least {MinSecretBytes} bytes", nameof(secret));
    }
}

/// <summary>The claims part of a token, as JSON with short names.</summary>
internal sealed record TokenClaims(
    [property: JsonPropertyName("jti")] string Id,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("dom")] string? Domain,
    [property: JsonPropertyName("acc")] string? Account,
    [property: JsonPropertyName("iat")] long IssuedAt,
    [property: JsonPropertyName("exp")] long Expires);
