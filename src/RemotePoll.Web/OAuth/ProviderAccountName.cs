using System.Buffers.Text;
using System.Text.Json;
using RemotePoll.Core.OAuth;

namespace RemotePoll.Web.OAuth;

/// <summary>
/// Who the user signed in as at the provider, for "connected as NAME": read from the OpenID Connect id_token of the
/// code exchange. Microsoft puts the account in <c>preferred_username</c> (scopes <c>openid profile</c>); Google puts
/// it in <c>email</c> (scopes <c>openid email</c>); a generic provider gives either when its scopes ask for them.
/// The token came straight from the provider's token endpoint over TLS, so its claims are read without checking its
/// signature (OpenID Connect Core 3.1.3.7); they are only shown, never trusted for access.
/// </summary>
public static class ProviderAccountName
{
    public const int MaxLength = 255;

    /// <summary>The scopes to ask for: the provider's, plus what makes Google and Microsoft name the account.</summary>
    public static string Scopes(OAuthProvider provider)
    {
        var scopes = provider.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        string[] extra = provider.Kind switch
        {
            OAuthProviderKind.Google => ["openid", "email"],
            OAuthProviderKind.Microsoft => ["openid", "profile"],
            _ => [],
        };
        scopes.AddRange(extra.Where(e => !scopes.Contains(e, StringComparer.Ordinal)));
        return string.Join(' ', scopes);
    }

    /// <summary>The account's name from <paramref name="idToken"/>, or null when there is none (or it is not for this client).</summary>
    public static string? FromIdToken(string? idToken, string clientId)
    {
        var parts = idToken?.Split('.');
        if (parts is not { Length: 3 }) return null;
        try
        {
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var root = claims.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !IsFor(root, clientId)) return null;
            foreach (var claim in new[] { "preferred_username", "email", "upn" })
                if (root.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String && Clean(value.GetString()) is { } name)
                    return name;
            return null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>aud is the client id, or an array holding it (OpenID Connect Core 2).</summary>
    private static bool IsFor(JsonElement root, string clientId)
    {
        if (!root.TryGetProperty("aud", out var aud)) return false;
        return aud.ValueKind switch
        {
            JsonValueKind.String => aud.GetString() == clientId,
            JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == clientId),
            _ => false,
        };
    }

    private static string? Clean(string? text)
    {
        var name = new string((text ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        return name.Length == 0 ? null : name.Length > MaxLength ? name[..MaxLength] : name;
    }
}
