using RemotePoll.Core.Security;

namespace RemotePoll.Cluster.Secrets;

/// <summary>
/// Where the node keeps its <see cref="ClusterSecret"/>: <c>RPOLL_CLUSTER_SECRET</c> (base64), <c>RPOLL_CLUSTER_SECRET_FILE</c>
/// (a path, e.g. a secret mount), else <c>DATA/cluster.secret</c>, created on first start with owner-only permissions
/// (0600) and the only one <see cref="ClusterSecret.Rotate"/> may replace. The files are read and written here, the
/// secret itself stays in the domain, which does no IO.
/// </summary>
public static class ClusterSecretFile
{
    /// <summary>
    /// The node's secret from the environment, else from <paramref name="dataDir"/>/cluster.secret, created when missing.
    /// Throws <see cref="InvalidDataException"/> when the given secret is not base64 of at least 32 bytes.
    /// </summary>
    public static ClusterSecret LoadOrCreate(string dataDir, Func<string, string?> environment)
    {
        if (environment(ClusterSecret.EnvironmentVariable) is { Length: > 0 } text)
            return ClusterSecret.FromText(text, ClusterSecret.EnvironmentVariable);
        if (environment(ClusterSecret.FileEnvironmentVariable) is { Length: > 0 } path) return ReadFile(path);
        var file = Path.Combine(dataDir, ClusterSecret.FileName);
        if (!File.Exists(file)) CreateFile(file);
        return ClusterSecret.FromText(ReadText(file), file, () => Replace(file));
    }

    /// <summary>Reads a secret file (a secret mount; rpoll's offline <c>token issue --secret-file</c> reads it the same way).</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or holds no valid secret; the message names the path.</exception>
    public static ClusterSecret ReadFile(string path) => ClusterSecret.FromText(ReadText(path), path);

    /// <summary>
    /// Writes a fresh random secret to <paramref name="path"/>, readable and writable by the owner only; fails if it exists.
    /// Written beside it and renamed into place, so a reader never sees a half-written file.
    /// </summary>
    public static void CreateFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".new";
        if (File.Exists(temporary)) File.Delete(temporary); // left by a start that stopped half-way
        KeyRing.WriteOwnerOnly(temporary, ClusterSecret.NewText());
        File.Move(temporary, path, overwrite: false);
    }

    /// <summary>A fresh secret written beside <paramref name="file"/>, read back, then renamed over it: its text.</summary>
    private static string Replace(string file)
    {
        var temporary = file + ".rotate";
        if (File.Exists(temporary)) File.Delete(temporary);
        KeyRing.WriteOwnerOnly(temporary, ClusterSecret.NewText());
        var text = ReadText(temporary);
        ClusterSecret.FromText(text, temporary); // a file that does not read back as a secret is never put in place
        File.Move(temporary, file, overwrite: true);
        return text;
    }

    private static string ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cluster secret '{path}': {ex.Message}", ex);
        }
    }
}
