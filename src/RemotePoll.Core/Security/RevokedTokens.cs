using System.Collections.Immutable;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Security;

/// <summary>
/// The ids of revoked tokens, each with when it was revoked. An id is forgotten once no token revoked then can still be
/// valid (<see cref="TokenSigner.MaxLifetime"/> later), so the set stays small.
/// </summary>
public sealed record RevokedTokens(ImmutableDictionary<string, DateTimeOffset> Ids)
{
    public static readonly RevokedTokens None = new(ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal));

    public bool Contains(string id) => Ids.ContainsKey(id);

    public RevokedTokens Add(string id, DateTimeOffset at) => Ids.ContainsKey(id) ? this : new(Ids.Add(id, at));

    /// <summary>Without the ids revoked so long ago that the tokens they name have expired whatever their lifetime.</summary>
    public RevokedTokens Prune(DateTimeOffset now)
    {
        var old = Ids.Where(x => now - x.Value > TokenSigner.MaxLifetime).Select(x => x.Key).ToList();
        return old.Count == 0 ? this : new(Ids.RemoveRange(old));
    }

    /// <summary>A token id as <see cref="TokenSigner"/> makes them: 24 lowercase hex digits. Throws naming the field otherwise.</summary>
    public static string CheckId(string? id)
    {
        var t = id?.Trim().ToLowerInvariant() ?? "";
        if (t.Length != TokenSigner.IdLength || !t.All(char.IsAsciiHexDigit))
            throw new ValidationException("ID", $"'{id}' is not a token id ({TokenSigner.IdLength} hex digits, as 'token whoami' shows it)");
        return t;
    }
}
