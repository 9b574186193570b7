using RemotePoll.Cluster.Hosting;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;
using RemotePoll.Core.Security;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cli;

/// <summary>
/// The operator CLI: <c>rpoll [HOST:PORT] PALETTE VERB [args] [--json]</c>; with no command, an interactive prompt.
/// Exit codes: 0 done, 1 refused by the cluster, 2 bad command line, 3 cluster not reachable, 4 a poll ran and failed.
/// </summary>
public static class Rpoll
{
    public const int Ok = 0, Refused = 1, BadUsage = 2, Unreachable = 3, PollFailed = 4;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var words = args.ToList();
        var json = words.Remove("--json");
        string? token, secretFile;
        var save = false;
        HostAndPort contact;
        ClusterTls? tls;
        try
        {
            secretFile = TakeOption(words, "--secret-file");
            token = TakeOption(words, "--token") ?? Environment.GetEnvironmentVariable("RPOLL_TOKEN");
            var contactText = words.Count > 0 && HostAndPort.TryParse(words[0], out _) is { Port: not null } ? words[0] : null;
            if (contactText is not null) words.RemoveAt(0);
            // token issue --save: into ~/.rpoll/token (0600), not onto the terminal
            save = words.Count >= 2 && words[0].Equals("token", StringComparison.OrdinalIgnoreCase)
                && words[1].Equals("issue", StringComparison.OrdinalIgnoreCase) && words.Remove("--save");
            contactText ??= Environment.GetEnvironmentVariable("RPOLL_CONTACT") is { Length: > 0 } e ? e : "127.0.0.1:4053";
            contact = HostAndPort.TryParse(contactText, out var reason) is { Port: not null } hp ? hp
                : throw new UsageException($"contact: '{contactText}' is not HOST:PORT{(reason is null ? "" : ": " + reason)}");
            tls = ClusterTlsFrom(words);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"rpoll: {ex.Message}");
            return BadUsage;
        }

        if (words is ["help"] or ["--help"] or ["-h"]) { await stdout.WriteLineAsync(CommandTable.Help); return Ok; }
        if (secretFile is not null) return await IssueOfflineAsync(words, json, save, secretFile, stdout, stderr);
        token ??= TokenFile.Read(stderr);

        await using var client = AdminClient.Connect(contact, tls);
        if (words.Count > 0) return await RunOneAsync(client, words, json, token, stdin, stdout, stderr, interactive: false, save);

        await stdout.WriteLineAsync($"rpoll connected to {contact}; 'help' lists the commands, 'exit' leaves.");
        while (true)
        {
            await stdout.WriteAsync("rpoll> ");
            await stdout.FlushAsync();
            var line = await stdin.ReadLineAsync();
            if (line is null || line.Trim() is "exit" or "quit") return Ok;
            List<string> lineWords;
            try { lineWords = CommandLineSplitter.Split(line); }
            catch (UsageException ex) { await stderr.WriteLineAsync($"rpoll: {ex.Message}"); continue; }
            if (lineWords.Count == 0) continue;
            if (lineWords is ["help"]) { await stdout.WriteLineAsync(CommandTable.Help); continue; }
            var lineJson = lineWords.Remove("--json") || json;
            await RunOneAsync(client, lineWords, lineJson, token, stdin, stdout, stderr, interactive: true);
        }
    }

    private static async Task<int> RunOneAsync(AdminClient client, List<string> words, bool json, string? token,
        TextReader stdin, TextWriter stdout, TextWriter stderr, bool interactive, bool save = false)
    {
        if (words.Count >= 2 && words[0].Equals("rpop", StringComparison.OrdinalIgnoreCase) && words[1].Equals("import", StringComparison.OrdinalIgnoreCase))
            return await ImportAsync(client, words, token, stdin, stdout, stderr);

        CliCommand command;
        try
        {
            command = CommandTable.Parse(words,
                readSecret: () => ReadSecret(stdin, stdout, interactive),
                readStdin: () => stdin.ReadToEnd());
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"rpoll: {ex.Message}");
            return BadUsage;
        }

        if (command.Command is PollRecord { Wait: true } order) return await FollowAsync(client, order, json, token, stdout, stderr);
        if (command.Command is AuthorizeRecord authorize) return await AuthorizeAsync(client, authorize, json, token, stdout, stderr);

        AdminReply reply;
        try
        {
            reply = await client.SendAsync(new AdminRequest(token, command.Command));
        }
        catch (TimeoutException ex)
        {
            await stderr.WriteLineAsync($"rpoll: {ex.Message}");
            return Unreachable;
        }
        if (!reply.Ok)
        {
            var text = Output.RenderError(reply, json);
            await (json ? stdout : stderr).WriteLineAsync(json ? text : $"rpoll: {text}");
            return Refused;
        }
        if (save && reply.Result is IssuedToken issued) return await SaveTokenAsync(issued, json, stdout, stderr);
        if (reply.Warning is { } warning) await stderr.WriteLineAsync($"rpoll: warning: {warning}");
        await stdout.WriteLineAsync(Output.Render(reply.Result!, command.View, json));
        return reply.Result is PollReport { Ok: false } ? PollFailed : Ok;
    }

    /// <summary><c>poll --wait</c>: follows the poll to its end; Ctrl-C stops the waiting, not the poll.</summary>
    private static async Task<int> FollowAsync(AdminClient client, PollRecord order, bool json, string? token, TextWriter stdout, TextWriter stderr)
    {
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += stop;
        try
        {
            return await PollFollower.RunAsync(order, c => client.SendAsync(new AdminRequest(token, c)), json, stdout, stderr, interrupt.Token);
        }
        catch (TimeoutException ex)
        {
            await stderr.WriteLineAsync($"rpoll: {ex.Message}");
            return Unreachable;
        }
        finally
        {
            Console.CancelKeyPress -= stop;
        }
    }

    /// <summary>
    /// <c>rpop|rimap authorize</c>: the node starts the device flow; the URL and code are printed, then the flow is followed
    /// every two seconds until the grant is stored, refused or the code expired. Ctrl-C stops the waiting (the code stays valid
    /// at the provider until it expires; the node keeps waiting for it).
    /// </summary>
    private static async Task<int> AuthorizeAsync(AdminClient client, AuthorizeRecord authorize, bool json, string? token, TextWriter stdout, TextWriter stderr)
    {
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler stop = (_, e) => { e.Cancel = true; interrupt.Cancel(); };
        Console.CancelKeyPress += stop;
        try
        {
            var reply = await client.SendAsync(new AdminRequest(token, authorize));
            if (!reply.Ok || reply.Result is not OAuthAuthorizationView started)
            {
                var text = Output.RenderError(reply, json);
                await (json ? stdout : stderr).WriteLineAsync(json ? text : $"rpoll: {text}");
                return Refused;
            }
            if (!json)
            {
                await stdout.WriteLineAsync($"To connect {authorize.Kind.ToString().ToLowerInvariant()} record '{authorize.Name}' of {authorize.Account}, open " +
                    $"{started.VerificationUri} and enter the code {started.UserCode}" +
                    (started.VerificationUriComplete is { } complete ? $"\n(or open {complete})" : "") +
                    $"\nwaiting until {started.ExpiresAt.ToLocalTime():yyyy-MM-dd HH:mm:ss} (Ctrl-C stops waiting)...");
                await stdout.FlushAsync();
            }
            var view = started;
            while (view.State == OAuthAuthorizationView.Waiting)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(2), interrupt.Token); }
                catch (OperationCanceledException)
                {
                    await stderr.WriteLineAsync($"rpoll: stopped waiting; the code {view.UserCode} can still be approved until " +
                        $"{view.ExpiresAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}, and the node stores the grant then");
                    return Refused;
                }
                var next = await client.SendAsync(new AdminRequest(token, new GetAuthorization(authorize.Account, started.Ticket)));
                if (!next.Ok || next.Result is not OAuthAuthorizationView v)
                {
                    await stderr.WriteLineAsync($"rpoll: {Output.RenderError(next, false)}");
                    return Refused;
                }
                view = v;
            }
            await stdout.WriteLineAsync(json ? Output.Render(view, CliView.Whole, true) : $"{view.State}: {view.Message}");
            return view.State == OAuthAuthorizationView.Connected ? Ok : Refused;
        }
        catch (TimeoutException ex)
        {
            await stderr.WriteLineAsync($"rpoll: {ex.Message}");
            return Unreachable;
        }
        finally
        {
            Console.CancelKeyPress -= stop;
        }
    }

    private static async Task<int> ImportAsync(AdminClient client, List<string> words, string? token,
        TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<RecordImport.Line> lines;
        try
        {
            var firstPoll = "spread";
            var at = words.FindIndex(w => w.Equals("--first-poll", StringComparison.OrdinalIgnoreCase));
            if (at >= 0)
            {
                if (at + 1 >= words.Count) throw new UsageException("rpop import: --first-poll: now or spread expected");
                firstPoll = words[at + 1].ToLowerInvariant();
                if (firstPoll is not ("now" or "spread"))
                    throw new UsageException($"rpop import: --first-poll: '{words[at + 1]}' is not now or spread");
                words.RemoveRange(at, 2);
            }
            if (words.Count != 3) throw new UsageException("rpop import: FILE|- expected (lines 'ACCOUNT DICTIONARY')");
            string text;
            try { text = words[2] == "-" ? await stdin.ReadToEndAsync() : await File.ReadAllTextAsync(words[2]); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"rpop import: FILE '{words[2]}': {ex.Message}"); }
            lines = RecordImport.Parse(text, spreadFirstPolls: firstPoll == "spread");
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"rpoll: {ex.Message}");
            return BadUsage;
        }
        return await RecordImport.RunAsync(lines, c => client.SendAsync(new AdminRequest(token, c)), stdout, stderr);
    }

    /// <summary>
    /// <c>token issue ... --secret-file FILE</c>: signs a token with the cluster secret on this machine, no node needed
    /// (the bootstrap of the first administrator). Prints the token only, never the secret.
    /// </summary>
    private static async Task<int> IssueOfflineAsync(List<string> words, bool json, bool save, string secretFile, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var parsed = CommandTable.Parse(words, () => throw new UsageException("no password here"), () => "");
            if (parsed.Command is not IssueToken t) throw new UsageException("--secret-file: only with 'token issue'");
            var caller = Caller.Create(RoleNames.Parse(t.Role), t.Domain, t.Account);
            var (text, issued) = ReadSecretFile(secretFile).Signer().IssueToken(caller, DateTimeOffset.UtcNow, TokenLifetime.Parse(t.Expires));
            var view = new IssuedToken(text, new CallerView(caller.RoleName, caller.Domain, caller.Account, issued.Id, issued.Expires));
            if (save) return await SaveTokenAsync(view, json, stdout, stderr);
            await stdout.WriteLineAsync(Output.Render(view, CliView.Whole, json));
            return Ok;
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"rpoll: {ex.Message}");
            return BadUsage;
        }
        catch (Exception ex) when (ex is ValidationException or InvalidDataException)
        {
            await stderr.WriteLineAsync($"rpoll: token issue: {ex.Message}");
            return BadUsage;
        }
    }

    /// <summary>The cluster secret in <paramref name="path"/> (the node's DATA/cluster.secret, a secret mount).</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or holds no valid secret; the message names the path.</exception>
    private static ClusterSecret ReadSecretFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new InvalidDataException($"cluster secret '{path}': {ex.Message}", ex); }
        return ClusterSecret.FromText(text, path);
    }

    /// <summary>token issue --save: the token goes to ~/.rpoll/token (0600, folder 0700); only where and whose is printed.</summary>
    private static async Task<int> SaveTokenAsync(IssuedToken issued, bool json, TextWriter stdout, TextWriter stderr)
    {
        string path;
        try { path = TokenFile.Save(issued.Token); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"rpoll: token issue --save: {ex.Message}");
            return BadUsage;
        }
        await stdout.WriteLineAsync(Output.Render(new Done($"token {issued.Caller.TokenId} ({issued.Caller.Role}) saved to {path} (mode 0600), " +
            $"expires {issued.Caller.Expires.ToLocalTime():yyyy-MM-dd HH:mm:ss}"), CliView.Whole, json));
        return Ok;
    }

    private static string ReadSecret(TextReader stdin, TextWriter stdout, bool interactive)
    {
        if (interactive && !Console.IsInputRedirected)
        {
            stdout.Write("Password: ");
            stdout.Flush();
            var chars = new List<char>();
            for (ConsoleKeyInfo k; (k = Console.ReadKey(intercept: true)).Key != ConsoleKey.Enter;)
                if (k.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
                else chars.Add(k.KeyChar);
            stdout.WriteLine();
            return new string(chars.ToArray());
        }
        return stdin.ReadLine() ?? throw new UsageException("--password-stdin: standard input is empty");
    }

    /// <summary>Cluster transport TLS: --tls-cert/--tls-key/--tls-ca or RPOLL_TLS_CERT/KEY/CA (password: RPOLL_TLS_PASSWORD).</summary>
    private static ClusterTls? ClusterTlsFrom(List<string> words)
    {
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        var cert = TakeOption(words, "--tls-cert") ?? Env("RPOLL_TLS_CERT");
        var key = TakeOption(words, "--tls-key") ?? Env("RPOLL_TLS_KEY");
        var ca = TakeOption(words, "--tls-ca") ?? Env("RPOLL_TLS_CA");
        try
        {
            var tls = ClusterTls.From(null, cert, key, ca, Env);
            tls?.Setup(); // unreadable files are a usage error here, not a hang
            return tls;
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static string? TakeOption(List<string> words, string name)
    {
        var i = words.IndexOf(name);
        if (i < 0) return null;
        if (i + 1 >= words.Count) throw new UsageException($"{name} needs a value");
        var value = words[i + 1];
        words.RemoveRange(i, 2);
        return value;
    }
}
