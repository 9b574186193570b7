namespace RemotePoll.Cli;

/// <summary>
/// <c>~/.rpoll/token</c>, where rpoll finds its token when neither --token nor RPOLL_TOKEN gives one. A token is a
/// credential (a server administrator's acts for the whole cluster for 30 days), so the file is the owner's only:
/// written 0600 in a 0700 folder whatever the umask, and rpoll warns when it finds it readable by anyone else.
/// </summary>
public static class TokenFile
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static string Path => System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".rpoll", "token");

    /// <summary>Writes the token (replacing the file as a whole: a reader sees the old token or the new one).</summary>
    /// <exception cref="IOException">The folder or file cannot be written.</exception>
    public static string Save(string token)
    {
        var path = Path;
        var folder = System.IO.Path.GetDirectoryName(path)!;
        var temp = path + ".new";
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(temp, token + "\n");
        }
        else
        {
            // mkdir and open take a mode less the umask; chmod does not, so the modes are set again after.
            Directory.CreateDirectory(folder, OwnerFolder);
            File.SetUnixFileMode(folder, OwnerFolder);
            File.Delete(temp);
            using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerFile }))
            using (var writer = new StreamWriter(file))
                writer.Write(token + "\n");
            File.SetUnixFileMode(temp, OwnerFile);
        }
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>The saved token, or null when there is no file; warns on <paramref name="stderr"/> when others may read it.</summary>
    public static string? Read(TextWriter stderr)
    {
        var path = Path;
        if (!File.Exists(path)) return null;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & Others) != 0)
            stderr.WriteLine($"rpoll: warning: {path} is open to group or others (mode {Octal(File.GetUnixFileMode(path))}): " +
                $"anyone who can read it acts with its role; run 'chmod 600 {path}', or issue a new token with 'rpoll token issue ... --save'");
        return File.ReadAllText(path).Trim();
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
