using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel;

namespace RemotePoll.Web.OAuth;

/// <summary>
/// The consents under way on this node, by their OAuth2 <c>state</c> (RFC 6749 10.12, RFC 9700 4.7): a state is
/// random, used once (taken out on its first return, whatever follows), lives <see cref="Lifetime"/>, and belongs
/// to the browser that started it through a binding cookie (<see cref="BindingCookie"/>). The binding is a cookie
/// of its own because the session cookie is SameSite=Strict and so is not sent when the provider sends the browser
/// back. Kept in memory: a node restart drops the consents under way (the user clicks Connect again).
/// </summary>
public sealed class PendingConsents(TimeProvider time, int capacity = PendingConsents.DefaultCapacity)
{
    public const string BindingCookie = "rpoll.oauth";
    public const int DefaultCapacity = 10_000;

    /// <summary>Long enough for a provider's sign-in with a second factor; short enough that a leaked state is soon worthless.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, PendingConsent> _pending = new(StringComparer.Ordinal);

    public int Count => _pending.Count;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>A new binding-cookie value for a browser that has none.</summary>
    public static string NewBinding() => CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);

    /// <summary>Whether <paramref name="cookie"/> is a binding this node could have issued (else a new one is set).</summary>
    public static bool IsBinding(string? cookie) => cookie is { Length: 43 } && cookie.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static byte[] Hash(string binding) => SHA256.HashData(Encoding.ASCII.GetBytes(binding));

    /// <summary>Keeps <paramref name="consent"/> under a new random state and returns the state; null when too many are under way.</summary>
    public string? Add(PendingConsent consent)
    {
        Purge();
        if (_pending.Count >= capacity) return null;
        var state = CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);
        return _pending.TryAdd(state, consent) ? state : null;
    }

    /// <summary>
    /// Takes the consent of <paramref name="state"/> out (it cannot be used again, whatever the answer) and checks that it
    /// is still in time and that <paramref name="binding"/> (the cookie this browser sent) is the one it was started with.
    /// </summary>
    public ConsentAnswer Take(string? state, string? binding, out PendingConsent? consent)
    {
        consent = null;
        if (string.IsNullOrEmpty(state) || !_pending.TryRemove(state, out var found)) return ConsentAnswer.Unknown;
        if (found.Expires <= time.GetUtcNow()) return ConsentAnswer.Expired;
        if (binding is null || !CryptographicOperations.FixedTimeEquals(Hash(binding), found.BindingHash)) return ConsentAnswer.OtherSession;
        consent = found;
        return ConsentAnswer.Taken;
    }

    private void Purge()
    {
        var now = time.GetUtcNow();
        foreach (var (state, c) in _pending)
            if (c.Expires <= now) _pending.TryRemove(state, out _);
    }
}
