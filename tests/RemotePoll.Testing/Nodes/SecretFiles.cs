using RemotePoll.Core.Security;

namespace RemotePoll.Testing.Nodes;

/// <summary>
/// Cluster secret files as the tests handle them beside a node process, which keeps its own with the node's
/// <c>ClusterSecretFile</c>: read one the node made, or make one (owner-only, one line of base64) for the node to read.
/// </summary>
public static class SecretFiles
{
    /// <exception cref="InvalidDataException">The file is missing, unreadable or holds no valid secret.</exception>
    public static ClusterSecret Read(string path)
    {
        try { return ClusterSecret.FromText(File.ReadAllText(path), path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cluster secret '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Writes a fresh random secret to <paramref name="path"/> (mode 0600) and returns it.</summary>
    public static ClusterSecret Create(string path)
    {
        var text = ClusterSecret.NewText();
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return ClusterSecret.FromText(text, path);
    }
}
