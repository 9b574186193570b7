using System.Security.Cryptography;
using System.Text;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.Secrets;

/// <summary>
/// The keys that seal remote passwords: a text file of lines <c>KEYID BASE64KEY</c>, the last line sealing and every
/// line opening. Every node of a cluster must share it. Created on first start with owner-only permissions.
/// </summary>
public static class KeyRing
{
    public const string FileName = "secrets.keys";

    /// <summary>Loads the key file at <paramref name="path"/>, creating it with a fresh key when missing.</summary>
    public static AesGcmSecretSealer LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            WriteOwnerOnly(path, NewLine("k1"));
        }
        var keys = new Dictionary<string, byte[]>();
        string? current = null;
        foreach (var line in File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            byte[] key;
            try { key = Convert.FromBase64String(parts.Length == 2 ? parts[1] : ""); }
            catch (FormatException) { throw new InvalidDataException($"{path}: key '{parts[0]}' is not base64"); }
            if (key.Length != 32) throw new InvalidDataException($"{path}: key '{parts[0]}' is not 32 bytes");
            keys[parts[0]] = key;
            current = parts[0];
        }
        if (current is null) throw new InvalidDataException($"{path}: no key");
        return new AesGcmSecretSealer(current, keys);
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
}
