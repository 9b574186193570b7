using System.Security.Cryptography;
using System.Text;

namespace RemotePoll.Core.Security;

/// <summary>
/// The cluster secret that signs access tokens; every node of a cluster (and the web front end) must hold the same.
/// From, in order: <c>RPOLL_CLUSTER_SECRET</c> (base64), <c>RPOLL_CLUSTER_SECRET_FILE</c> (a path, e.g. a secret mount),
/// else <c>DATA/cluster.secret</c>, created on first start with owner-only permissions (0600).
/// The file holds one line: base64 of 32 or more random bytes. <see cref="ToString"/> never shows it.
/// </summary>
public sealed class ClusterSecret
{
    public const string FileName = "cluster.secret";
    public const string EnvironmentVariable = "RPOLL_CLUSTER_SECRET";
    public const string FileEnvironmentVariable = "RPOLL_CLUSTER_SECRET_FILE";

    private volatile byte[] _key;
    private readonly string? _rotatableFile;

    private ClusterSecret(byte[] key, string source, string? rotatableFile = null)
    {
        _key = key;
        Source = source;
        _rotatableFile = rotatableFile;
    }

    /// <summary>Where it came from (a path or the variable's name), for the start-up log; never the secret.</summary>
    public string Source { get; }

    /// <summary>The secret is the node's own data-folder file, which <see cref="Rotate"/> may replace.</summary>
    public bool CanRotate => _rotatableFile is not null;

    /// <summary>Signs with the current secret, also after a <see cref="Rotate"/>.</summary>
    public TokenSigner Signer() => new(() => _key);

    /// <summary>Verifies with the current secret, also after a <see cref="Rotate"/>: tokens of the old one are refused.</summary>
    public TokenVerifier Verifier() => new(() => _key);

    /// <summary>
    /// A fresh random secret replaces this one in its data-folder file (written beside it, owner-only, renamed into place)
    /// and from now on signs and verifies. Throws <see cref="InvalidOperationException"/> when the secret comes from the
    /// environment or a mounted file, which only the operator can change.
    /// </summary>
    public void Rotate()
    {
        var file = _rotatableFile ?? throw new InvalidOperationException($"the cluster secret comes from {Source}: change it there");
        var temporary = file + ".rotate";
        if (File.Exists(temporary)) File.Delete(temporary);
        CreateFile(temporary);
        var key = ReadFile(temporary)._key;
        File.Move(temporary, file, overwrite: true);
        _key = key;
    }

    /// <summary>
    /// The node's secret from the environment, else from <paramref name="dataDir"/>/cluster.secret, created when missing.
    /// Throws <see cref="InvalidDataException"/> when the given secret is not base64 of at least 32 bytes.
    /// </summary>
    public static ClusterSecret LoadOrCreate(string dataDir, Func<string, string?> environment)
    {
        if (environment(EnvironmentVariable) is { Length: > 0 } text) return FromText(text, EnvironmentVariable);
        if (environment(FileEnvironmentVariable) is { Length: > 0 } path) return ReadFile(path);
        var file = Path.Combine(dataDir, FileName);
        if (!File.Exists(file)) CreateFile(file);
        var secret = ReadFile(file);
        return new ClusterSecret(secret._key, secret.Source, file);
    }

    /// <summary>Reads a secret file (the offline `rpoll token issue --secret-file`, a secret mount).</summary>
    public static ClusterSecret ReadFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cluster secret '{path}': {ex.Message}", ex);
        }
        return FromText(text, path);
    }

    /// <summary>
    /// Writes a fresh random secret to <paramref name="path"/>, readable and writable by the owner only; fails if it exists.
    /// Written beside it and renamed into place, so a reader never sees a half-written file.
    /// </summary>
    public static void CreateFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n"));
            stream.Flush(true);
        }
        File.Move(temporary, path, overwrite: false);
    }

    /// <summary>A secret given as text (base64 of at least 32 bytes); <paramref name="source"/> names where it came from in errors.</summary>
    public static ClusterSecret FromText(string text, string source)
    {
        byte[] key;
        try { key = Convert.FromBase64String(text.Trim()); }
        catch (FormatException) { throw new InvalidDataException($"cluster secret from {source} is not base64"); }
        if (key.Length < TokenFormat.MinSecretBytes)
            throw new InvalidDataException($"cluster secret from {source} is shorter than {TokenFormat.MinSecretBytes} bytes");
        return new ClusterSecret(key, source);
    }

    public override string ToString() => $"cluster secret from {Source}";
}
