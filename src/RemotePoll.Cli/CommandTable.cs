using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cli;

/// <summary>
/// The palettes and verbs of <c>rpoll</c>, in pbm's style: <c>rpoll [HOST:PORT] PALETTE VERB [args] [--json]</c>.
/// </summary>
public static class CommandTable
{
    public const string Help = """
        usage: rpoll [HOST:PORT] PALETTE VERB [ARGS] [--json] [--token TOKEN] [--tls-cert FILE [--tls-key FILE] --tls-ca FILE]
          contact: HOST:PORT of any node (default 127.0.0.1:4053, or RPOLL_CONTACT); no command: interactive prompt
          cluster TLS: rpoll's certificate (.pfx/.p12 or PEM + key) and the cluster CA file; or RPOLL_TLS_CERT, RPOLL_TLS_KEY,
                       RPOLL_TLS_CA (and RPOLL_TLS_PASSWORD for a PKCS#12 file)

          cluster show | leave ADDRESS | down ADDRESS
          cluster-sharding region-stats
          node stats                               (the contacted node: pollers, how late scheduled polls fire, memory)
          module show | set KEY VALUE
                 keys: log, processes, use-apop, source-ip, use-domain-ips, delay-failed-hosts, delay-failed-account, allow-self-poll,
                       allow-user-private-targets, user-min-poll-every, push-connections
          hosts list | clear HOST                  (Delay Failed Hosts: hosts not polled until a time)
          domain list | show DOMAIN | set DOMAIN [--ip ADDR]... [--main yes|no]
          account show ACCOUNT | set ACCOUNT [--can-modify-rpop yes|no]
          rpop list ACCOUNT
          rpop set ACCOUNT NAME [--host H[:P]] [--user U] [--password-stdin] [--every PERIOD|disabled|never]
                   [--leave yes|no] [--tls yes|starttls|no] [--apop yes|no] [--mailbox M] [--special HEADER|*] [TLS TRUST]
                   [--auth password | --auth oauth2 --oauth-provider NAME]
          rpop remove ACCOUNT NAME | poll ACCOUNT NAME [--wait]
          rpop import-uids ACCOUNT NAME FILE       (a CommuniGate private/rpopids/NAME file: one UID per line)
          rpop import FILE|- [--first-poll spread|now]  (many accounts: lines 'ACCOUNT DICTIONARY', each as SETACCOUNTRPOPS;
                                                   new records first poll at a random moment within their Poll Every, or now)
          rimap list ACCOUNT
          rimap set ACCOUNT NAME [--host H[:P]] [--user U] [--password-stdin] [--every PERIOD|disabled|never]
                    [--security none|starttls|ssl] [--auth normal|encrypted | --auth oauth2 --oauth-provider NAME] [--filter PATTERN] [TLS TRUST]
                    [--push yes|no] [--sync-flags yes|no]
          TLS TRUST (one; default: validate with the system store and the node's CA file; "" returns to it):
                    --tls-pin sha256:HEX|BASE64   the certificate's SHA-256 fingerprint
                    --tls-spki sha256:HEX|BASE64  the public key's (SubjectPublicKeyInfo) SHA-256 fingerprint
                    --tls-ca-file PATH            a PEM CA file on the nodes    --tls-accept-any yes|no   any certificate
                    --by-account-user yes|no      the record is an account user's (outbound limits apply)
          rimap remove ACCOUNT NAME | poll ACCOUNT NAME [--wait]
          rpop|rimap authorize ACCOUNT NAME        (an oauth2 record: the provider's device flow; prints the URL and code, waits
                                                   for the approval and stores the grant; Ctrl-C stops waiting)
          cgp GETACCOUNTRPOPS ACCOUNT [--with-passwords] | SETACCOUNTRPOPS ACCOUNT DICTIONARY|-
          cgp GETACCOUNTRIMAPS ACCOUNT [--with-passwords] | SETACCOUNTRIMAPS ACCOUNT DICTIONARY|-
          token issue --role server|domain|user [--domain D] [--account A] [--expires DURATION] [--secret-file FILE] [--save]
                                                   (DURATION: 30d, 12h, 1y; --secret-file: offline, no node needed;
                                                   --save: into ~/.rpoll/token, mode 0600, instead of printing it)
          token whoami                             (who the cluster takes this token's holder to be)
          token revoke ID                          (every node refuses that token from now on; server administrators)
          oauth provider set NAME --kind google|microsoft|generic --client-id ID [--client-secret-file FILE | --client-secret-stdin]
                         [--tenant T] [--grant user|client-credentials] [--authorization-endpoint URL] [--token-endpoint URL]
                         [--device-endpoint URL] [--revocation-endpoint URL] [--scopes "S1 S2"]
                                                   (OAuth2 providers for records; the client secret never on the command line)
          oauth provider list | show NAME | remove NAME   (remove is refused while records use it; server administrators)
          secrets rotate [--reseal-only]           (a new key seals every stored password; server administrators)
          secrets rotate --signing                 (a new token-signing secret: every older token is refused; prints your new token)
          token: --token TOKEN, else RPOLL_TOKEN, else ~/.rpoll/token
        """;

    private static readonly HashSet<string> Flags = ["--password-stdin", "--wait", "--with-passwords", "--json", "--reseal-only", "--signing", "--client-secret-stdin"];

    /// <summary>Parses PALETTE VERB ARGS; <paramref name="readSecret"/> reads a password when --password-stdin is given.</summary>
    public static CliCommand Parse(IReadOnlyList<string> words, Func<string> readSecret, Func<string> readStdin)
    {
        if (words.Count < 2) throw new UsageException(words.Count == 0 ? "a palette is missing (see 'rpoll help')" : $"{words[0]}: a verb is missing");
        var palette = words[0].ToLowerInvariant();
        var verb = palette == "cgp" ? words[1].ToUpperInvariant() : words[1].ToLowerInvariant();
        var name = $"{palette} {verb}";
        var a = new ArgumentReader(name, words.Skip(2).ToList(), Flags);
        CliCommand c = (palette, verb) switch
        {
            ("cluster", "show") => new(new ClusterShow()),
            ("cluster", "leave") => new(new ClusterLeave(a.Positional("ADDRESS"))),
            ("cluster", "down") => new(new ClusterDown(a.Positional("ADDRESS"))),
            ("cluster-sharding", "region-stats") => new(new ShowRegionStats()),
            ("node", "stats") => new(new NodeStatsShow()),
            ("module", "show") => new(new ModuleShow()),
            ("module", "set") => new(new ModuleSet(a.Positional("KEY"), a.Positional("VALUE"))),
            ("hosts", "list") => new(new HostsList()),
            ("hosts", "clear") => new(new HostsClear(a.Positional("HOST"))),
            ("domain", "list") => new(new DomainList()),
            ("domain", "show") => new(new DomainShow(a.Positional("DOMAIN"))),
            ("domain", "set") => new(new DomainSet(a.Positional("DOMAIN"), a.Options("--ip") is { Count: > 0 } ips ? ips : null, a.YesNo("--main"))),
            ("account", "show") => new(new GetAccount(a.Positional("ACCOUNT"))),
            ("account", "set") => new(new SetAccountSettings(a.Positional("ACCOUNT"), a.YesNo("--can-modify-rpop"))),
            ("rpop", "list") => new(new GetAccount(a.Positional("ACCOUNT")), CliView.RpopRecords),
            ("rpop", "set") => new(RpopSet(a, readSecret)),
            ("rpop", "remove") => new(new RemoveRecord(a.Positional("ACCOUNT"), RecordKind.Rpop, a.Positional("NAME"))),
            ("rpop", "import-uids") => new(ImportUidsFrom(a)),
            ("rpop", "authorize") => new(new AuthorizeRecord(a.Positional("ACCOUNT"), RecordKind.Rpop, a.Positional("NAME"))),
            ("rpop", "poll") => new(new PollRecord(a.Positional("ACCOUNT"), RecordKind.Rpop, a.Positional("NAME"), a.Flag("--wait"))),
            ("rimap", "list") => new(new GetAccount(a.Positional("ACCOUNT")), CliView.RimapRecords),
            ("rimap", "set") => new(RimapSet(a, readSecret)),
            ("rimap", "remove") => new(new RemoveRecord(a.Positional("ACCOUNT"), RecordKind.Rimap, a.Positional("NAME"))),
            ("rimap", "authorize") => new(new AuthorizeRecord(a.Positional("ACCOUNT"), RecordKind.Rimap, a.Positional("NAME"))),
            ("rimap", "poll") => new(new PollRecord(a.Positional("ACCOUNT"), RecordKind.Rimap, a.Positional("NAME"), a.Flag("--wait"))),
            ("cgp", "GETACCOUNTRPOPS") => new(new CgpGetRecords(a.Positional("ACCOUNT"), RecordKind.Rpop, a.Flag("--with-passwords"))),
            ("cgp", "GETACCOUNTRIMAPS") => new(new CgpGetRecords(a.Positional("ACCOUNT"), RecordKind.Rimap, a.Flag("--with-passwords"))),
            ("cgp", "SETACCOUNTRPOPS") => new(new CgpSetRecords(a.Positional("ACCOUNT"), RecordKind.Rpop, Dictionary(a, readStdin))),
            ("cgp", "SETACCOUNTRIMAPS") => new(new CgpSetRecords(a.Positional("ACCOUNT"), RecordKind.Rimap, Dictionary(a, readStdin))),
            ("token", "issue") => new(new IssueToken(a.Option("--role") ?? throw new UsageException("token issue: --role is missing"),
                a.Option("--domain"), a.Option("--account"), a.Option("--expires"))),
            ("token", "whoami") => new(new WhoAmI()),
            ("token", "revoke") => new(new RevokeToken(a.Positional("ID"))),
            ("oauth", "provider") => new(OAuthProvider(a, readSecret)),
            ("secrets", "rotate") when a.Flag("--signing") => new(new RotateSigningSecret()),
            ("secrets", "rotate") => new(new RotateSecrets(a.Flag("--reseal-only"))),
            _ => throw new UsageException($"'{name}' is not a command (see 'rpoll help')"),
        };
        a.EnsureAllUsed();
        return c;
    }

    private static SetRpopRecord RpopSet(ArgumentReader a, Func<string> readSecret)
    {
        var account = a.Positional("ACCOUNT");
        var tls = TlsMode(a);
        var change = new RpopRecordChange(a.Positional("NAME"))
        {
            Host = a.Option("--host"),
            AuthName = a.Option("--user"),
            Every = a.Option("--every"),
            Leave = a.YesNo("--leave"),
            Tls = tls is null ? null : tls == "yes",
            StartTls = tls is null ? null : tls == "starttls",
            Apop = a.YesNo("--apop"),
            Mailbox = a.Option("--mailbox"),
            Special = a.Option("--special"),
            Password = a.Flag("--password-stdin") ? readSecret() : null,
            Trust = TrustChange(a),
            ByAccountUser = a.YesNo("--by-account-user"),
        };
        var (_, provider) = SignIn(a, "rpop set", a.Option("--auth"), ["password"]);
        return new SetRpopRecord(account, change with { OAuthProvider = provider });
    }

    /// <summary>--tls yes (implicit TLS, port 995) | starttls (STLS on port 110, RFC 2595) | no; null when absent.</summary>
    private static string? TlsMode(ArgumentReader a) => a.Option("--tls")?.ToLowerInvariant() switch
    {
        null => null,
        "yes" or "true" or "on" => "yes",
        "no" or "false" or "off" => "no",
        "starttls" or "stls" => "starttls",
        var v => throw new UsageException($"rpop set: --tls takes yes, starttls or no, not '{v}'"),
    };

    private static SetRimapRecord RimapSet(ArgumentReader a, Func<string> readSecret)
    {
        var account = a.Positional("ACCOUNT");
        var change = new RimapRecordChange(a.Positional("NAME"))
        {
            Host = a.Option("--host"),
            AuthName = a.Option("--user"),
            Every = a.Option("--every"),
            Security = a.Option("--security"),
            ListFilter = a.Option("--filter"),
            Push = a.YesNo("--push"),
            SyncFlags = a.YesNo("--sync-flags"),
            Password = a.Flag("--password-stdin") ? readSecret() : null,
            Trust = TrustChange(a),
            ByAccountUser = a.YesNo("--by-account-user"),
        };
        var (method, provider) = SignIn(a, "rimap set", a.Option("--auth"), ["normal", "encrypted"]);
        return new SetRimapRecord(account, change with { AuthMethod = method, OAuthProvider = provider });
    }

    /// <summary>
    /// <c>--auth oauth2 --oauth-provider NAME</c> (a provider alone implies oauth2); a password method given (<paramref name="passwordMethods"/>)
    /// goes back to a password: the provider is cleared (""). Returns the password method to keep, and the provider change.
    /// </summary>
    private static (string? Method, string? Provider) SignIn(ArgumentReader a, string command, string? auth, string[] passwordMethods)
    {
        var provider = a.Option("--oauth-provider");
        if (auth is null) return (null, provider);
        if (auth.Equals("oauth2", StringComparison.OrdinalIgnoreCase))
            return (null, provider ?? throw new UsageException($"{command}: --auth oauth2 needs --oauth-provider NAME"));
        if (provider is not null) throw new UsageException($"{command}: --oauth-provider is for --auth oauth2, not '{auth}'");
        if (!passwordMethods.Contains(auth.ToLowerInvariant()))
            throw new UsageException($"{command}: --auth takes {string.Join(", ", passwordMethods)} or oauth2, not '{auth}'");
        return (auth.Equals("password", StringComparison.OrdinalIgnoreCase) ? null : auth, "");
    }

    private static IAdminCommand OAuthProvider(ArgumentReader a, Func<string> readSecret)
    {
        var verb = a.Positional("set|list|show|remove").ToLowerInvariant();
        switch (verb)
        {
            case "list": return new OAuthProviderList();
            case "show": return new OAuthProviderShow(a.Positional("NAME"));
            case "remove": return new OAuthProviderRemove(a.Positional("NAME"));
            case "set": break;
            default: throw new UsageException($"oauth provider: '{verb}' is not set, list, show or remove");
        }
        var name = a.Positional("NAME");
        var file = a.Option("--client-secret-file");
        var stdin = a.Flag("--client-secret-stdin");
        if (file is not null && stdin) throw new UsageException("oauth provider set: --client-secret-file and --client-secret-stdin: give one");
        string? secret = null;
        if (file is not null)
        {
            try { secret = File.ReadAllText(file).TrimEnd('\r', '\n'); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"oauth provider set: --client-secret-file '{file}': {ex.Message}"); }
            if (secret.Length == 0) throw new UsageException($"oauth provider set: --client-secret-file '{file}' is empty");
        }
        else if (stdin) secret = readSecret();
        return new OAuthProviderSet(new Core.OAuth.OAuthProviderChange(name)
        {
            Kind = a.Option("--kind"),
            ClientId = a.Option("--client-id"),
            ClientSecret = secret,
            Tenant = a.Option("--tenant"),
            Grant = a.Option("--grant"),
            AuthorizationEndpoint = a.Option("--authorization-endpoint"),
            TokenEndpoint = a.Option("--token-endpoint"),
            DeviceAuthorizationEndpoint = a.Option("--device-endpoint"),
            RevocationEndpoint = a.Option("--revocation-endpoint"),
            Scopes = a.Option("--scopes"),
        });
    }

    private static TlsTrustChange? TrustChange(ArgumentReader a)
    {
        var change = new TlsTrustChange
        {
            Pin = a.Option("--tls-pin"),
            Spki = a.Option("--tls-spki"),
            CaFile = a.Option("--tls-ca-file"),
            AcceptAny = a.YesNo("--tls-accept-any"),
        };
        return change.IsEmpty ? null : change;
    }

    private static ImportUids ImportUidsFrom(ArgumentReader a)
    {
        var account = a.Positional("ACCOUNT");
        var name = a.Positional("NAME");
        var file = a.Positional("FILE");
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"rpop import-uids: FILE '{file}': {ex.Message}"); }
        try { return new ImportUids(account, name, UidLedger.ParseUidFile(text)); }
        catch (ValidationException ex) { throw new UsageException($"rpop import-uids: FILE '{file}': {ex.Message}"); }
    }

    private static string Dictionary(ArgumentReader a, Func<string> readStdin)
    {
        var d = a.Positional("DICTIONARY");
        return d == "-" ? readStdin() : d;
    }
}
