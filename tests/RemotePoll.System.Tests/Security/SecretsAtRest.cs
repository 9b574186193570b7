using System.Text;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.System.Tests.Security;

/// <summary>
/// One scenario for either journal: passwords set, changed, snapshotted (more than 100 events on one account) and rotated
/// to a new key; then the database's own files are searched byte for byte for each password and its base64.
/// </summary>
internal static class SecretsAtRest
{
    public static readonly string[] Passwords = ["Rpop-First-Pa55word", "Rpop-Second-Pa55word", "Rimap-Only-Pa55word"];

    public static async Task RunAsync(int port, Func<Task<IReadOnlyList<string>>> databaseFiles, CancellationToken ct)
    {
        async Task<string> Ok(string? stdin, params string[] args)
        {
            var r = await RpollCli.RunAsync(port, stdin, args);
            Assert.True(r.ExitCode == 0, $"rpoll {string.Join(' ', args)}: {r.StandardError}");
            return r.StandardOutput;
        }

        const string account = "vault@example.com";
        await Ok(Passwords[0] + "\n", "rpop", "set", account, "home", "--host", "pop.example.net", "--user", "v", "--password-stdin", "--every", "disabled");
        await Ok(Passwords[2] + "\n", "rimap", "set", account, "work", "--host", "imap.example.net", "--user", "v", "--password-stdin", "--every", "disabled");
        await Ok(Passwords[1] + "\n", "rpop", "set", account, "home", "--password-stdin");
        // Over 100 events on the account: the entity snapshots (and deletes the events before it).
        var script = string.Join("\n", Enumerable.Range(0, 105).Select(i => $"rpop set {account} home --leave {(i % 2 == 0 ? "yes" : "no")}")) + "\nexit\n";
        var scripted = await RpollCli.RunAsync(port, script);
        Assert.True(scripted.ExitCode == 0 && scripted.StandardError.Length == 0, scripted.StandardError);

        var rotated = await Ok(null, "secrets", "rotate");
        Assert.Contains("key k2 added; 2 passwords of 1 account", rotated);
        // Both passwords still open with the new key (the server administrator's migration export shows them).
        var export = await Ok(null, "cgp", "GETACCOUNTRPOPS", account, "--with-passwords");
        Assert.Contains(Passwords[1], export);
        var again = await Ok(null, "secrets", "rotate");
        Assert.Contains("key k3 added; 2 passwords of 1 account", again);

        var shown = await Ok(null, "rpop", "list", account, "--json") + await Ok(null, "rimap", "list", account) + await Ok(null, "account", "show", account, "--json");
        AssertAbsent(shown, "the CLI output");

        var files = await databaseFiles();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(file, ct); }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException) { continue; } // a server's temporary file
            AssertAbsent(bytes, file);
        }
    }

    public static void AssertAbsent(string text, string where) => AssertAbsent(Encoding.UTF8.GetBytes(text), where);

    /// <summary>No password in <paramref name="bytes"/>: as UTF-8, as UTF-16, or base64 of it at any of the three byte alignments.</summary>
    public static void AssertAbsent(byte[] bytes, string where)
    {
        foreach (var p in Passwords)
        {
            var needles = new List<byte[]> { Encoding.UTF8.GetBytes(p), Encoding.Unicode.GetBytes(p) };
            for (var k = 0; k < 3; k++)
            {
                var b64 = Convert.ToBase64String([.. new byte[k], .. Encoding.UTF8.GetBytes(p)]);
                needles.Add(Encoding.ASCII.GetBytes(b64[(k == 0 ? 0 : k + 1)..^4]));
            }
            foreach (var needle in needles)
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"'{Encoding.UTF8.GetString(needle)}' (password '{p}') found in {where}");
        }
    }
}
