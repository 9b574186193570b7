using System.Security.Cryptography;

namespace RemotePoll.Core.Security;

/// <summary>
/// The cluster secret that signs access tokens; every node of a cluster (and the web front end) must hold the same.
/// From, in order: <c>RPOLL_CLUSTER_SECRET</c> (base64), <c>RPOLL_CLUSTER_SECRET_FILE</c> (a path, e.g. a secret mount),
/// else <c>DATA/cluster.secret</c>, created on first start with owner-only permissions (0600).
/// The file holds one line: base64 of 32 or more random bytes. <see cref="ToString"/> never shows it.
/// The files are read and written by the node's layer (<c>RemotePoll.Cluster.Secrets.ClusterSecretFile</c>): the
/// domain only parses, signs and verifies.
/// </summary>
public sealed class ClusterSecret
{
    public const string FileName = "cluster.secret";
    public const string EnvironmentVariable = "RPOLL_CLUSTER_SECRET";
    public const string FileEnvironmentVariable = "RPOLL_CLUSTER_SECRET_FILE";

    /// <summary>Random bytes in a new secret.</summary>
    public const int NewSecretBytes = 32;

    private volatile byte[] _key;
    private readonly Func<string>? _replace;

    private ClusterSecret(byte[] key, string source, Func<string>? replace)
    {
        _key = key;
        Source = source;
        _replace = replace;
    }

    /// <summary>Where it came from (a path or the variable's name), for the start-up log; never the secret.</summary>
    public string Source { get; }

    /// <summary>The secret is the node's own data-folder file, which <see cref="Rotate"/> may replace.</summary>
    public bool CanRotate => _replace is not null;

    /// <summary>Signs with the current secret, also after a <see cref="Rotate"/>.</summary>
    public TokenSigner Signer() => new(() => _key);

    /// <summary>Verifies with the current secret, also after a <see cref="Rotate"/>: tokens of the old one are refused.</summary>
    public TokenVerifier Verifier() => new(() => _key);

    /// <summary>
    /// A fresh random secret replaces this one where it is kept (its data-folder file) and from now on signs and verifies.
    /// Throws <see cref="InvalidOperationException"/> when the secret comes from the environment or a mounted file, which
    /// only the operator can change, and <see cref="InvalidDataException"/> when the new secret cannot be read back.
    /// </summary>
    public void Rotate()
    {
        var replace = _replace ?? throw new InvalidOperationException($"the cluster secret comes from {Source}: change it there");
        _key = Parse(replace(), Source);
    }

    /// <summary>A secret given as text (base64 of at least 32 bytes); <paramref name="source"/> names where it came from in errors.</summary>
    public static ClusterSecret FromText(string text, string source) => new(Parse(text, source), source, null);

    /// <summary>
    /// As <see cref="FromText(string, string)"/>, for a secret its holder can replace: <paramref name="replace"/> keeps a
    /// fresh secret (<see cref="NewText"/>) in place of the old and returns its text.
    /// </summary>
    public static ClusterSecret FromText(string text, string source, Func<string> replace) => new(Parse(text, source), source, replace);

    /// <summary>The text of a fresh random secret, as it is kept in a secret file: one line of base64.</summary>
    public static string NewText() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(NewSecretBytes)) + "\n";

    private static byte[] Parse(string text, string source)
    {
        byte[] key;
        try { key = Convert.FromBase64String(text.Trim()); }
        catch (FormatException) { throw new InvalidDataException($"cluster secret from {source} is not base64"); }
        if (key.Length < TokenFormat.MinSecretBytes)
            throw new InvalidDataException($"cluster secret from {source} is shorter than {TokenFormat.MinSecretBytes} bytes");
        return key;
    }

    public override string ToString() => $"cluster secret from {Source}";
}
