using System.Security.Cryptography;
using System.Text;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.Secrets;

/// <summary>
/// The keys that seal remote passwords: lines <c>KEYID BASE64KEY</c>, the last line sealing and every line opening. Every
/// node of a cluster must hold the same keys. From, in order: <c>RPOLL_SECRETS_KEYS</c> (the lines themselves),
/// <c>RPOLL_SECRETS_KEYS_FILE</c> (a path, e.g. a secret mount), else <c>DATA/secrets.keys</c>, created on first start with
/// owner-only permissions. Only the data-folder file can take a new key from <c>secrets rotate</c>; old keys stay, so what
/// they sealed opens until it is re-sealed.
/// </summary>
public sealed class KeyRing : ISecretSealer
{
    public const string FileName = "secrets.keys";
    public const string EnvironmentVariable = "RPOLL_SECRETS_KEYS";
    public const string FileEnvironmentVariable = "RPOLL_SECRETS_KEYS_FILE";

    private readonly Lock _lock = new();
    private readonly string? _writablePath;
    private volatile AesGcmSecretSealer _sealer;

    private KeyRing(AesGcmSecretSealer sealer, string source, string? writablePath)
    {
        _sealer = sealer;
        Source = source;
        _writablePath = writablePath;
    }

    /// <summary>Where the keys come from (a path or a variable's name), for logs and replies; never a key.</summary>
    public string Source { get; }

    /// <summary>True when the keys are the node's own data-folder file, to which a rotation appends.</summary>
    public bool CanAddKeys => _writablePath is not null;

    public string CurrentKeyId => _sealer.CurrentKeyId;

    /// <summary>The node's key ring from the environment, else from <paramref name="dataDir"/>/secrets.keys (created when missing).</summary>
    public static KeyRing Load(string dataDir, Func<string, string?> environment)
    {
        if (environment(EnvironmentVariable) is { Length: > 0 } text) return new KeyRing(Parse(text, EnvironmentVariable), EnvironmentVariable, null);
        if (environment(FileEnvironmentVariable) is { Length: > 0 } path) return new KeyRing(Parse(Read(path), path), path, null);
        return LoadOrCreate(Path.Combine(dataDir, FileName));
    }

    /// <summary>Loads the key file at <paramref name="path"/>, creating it with a fresh key when missing; rotations append to it.</summary>
    public static KeyRing LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            WriteOwnerOnly(path, NewLine("k1"));
        }
        return new KeyRing(Parse(Read(path), path), path, path);
    }

    public SealedSecret Seal(string clearText) => _sealer.Seal(clearText);

    public string Unseal(SealedSecret sealedSecret) => _sealer.Unseal(sealedSecret);

    /// <summary>True when the secret was sealed with a key other than the current one.</summary>
    public bool NeedsResealing(SealedSecret s) => _sealer.NeedsResealing(s);

    /// <summary>Appends a fresh key to the data-folder file (durably) and seals with it from now on; returns its id.</summary>
    public string AddKey()
    {
        if (_writablePath is null) throw new InvalidOperationException($"the keys come from {Source}: add a key there");
        lock (_lock)
        {
            var text = Read(_writablePath);
            var ids = Parse(text, _writablePath).KeyIds;
            var n = ids.Count + 1;
            while (ids.Contains($"k{n}")) n++;
            var id = $"k{n}";
            using (var stream = new FileStream(_writablePath, FileMode.Append, FileAccess.Write))
            {
                stream.Write(Encoding.ASCII.GetBytes((text.EndsWith('\n') || text.Length == 0 ? "" : "\n") + NewLine(id)));
                stream.Flush(true);
            }
            _sealer = Parse(Read(_writablePath), _writablePath);
            return id;
        }
    }

    /// <summary>A new key line with <paramref name="id"/>.</summary>
    public static string NewLine(string id) => $"{id} {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n";

    public static void WriteOwnerOnly(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(text));
        stream.Flush(true);
    }

    public override string ToString() => $"key ring from {Source} (current key {CurrentKeyId})";

    private static string Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new InvalidDataException($"{path}: {ex.Message}", ex); }
    }

    private static AesGcmSecretSealer Parse(string text, string source)
    {
        var keys = new Dictionary<string, byte[]>();
        string? current = null;
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            byte[] key;
            try { key = Convert.FromBase64String(parts.Length == 2 ? parts[1] : ""); }
            catch (FormatException) { throw new InvalidDataException($"{source}: key '{parts[0]}' is not base64"); }
            if (key.Length != 32 || parts[0].Contains(':')) throw new InvalidDataException($"{source}: key '{parts[0]}' is not 32 bytes with an id without ':'");
            keys[parts[0]] = key;
            current = parts[0];
        }
        if (current is null) throw new InvalidDataException($"{source}: no key");
        return new AesGcmSecretSealer(current, keys);
    }
}
