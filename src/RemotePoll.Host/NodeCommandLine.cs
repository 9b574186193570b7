using System.Globalization;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Core.Records;

namespace RemotePoll.Host;

/// <summary>
/// The node's options: <c>--data DIR --hostname H --port P --seed HOST:PORT... --config FILE... --db CONNSTRING</c>,
/// each also from the environment (RPOLL_DATA, RPOLL_HOSTNAME, RPOLL_PORT, RPOLL_SEEDS comma-separated,
/// RPOLL_CONFIG comma-separated, RPOLL_DB). The command line wins over the environment.
/// </summary>
public static class NodeCommandLine
{
    public const string Usage = """
        usage: remotepoll [--data DIR] [--hostname HOST] [--port PORT] [--seed HOST:PORT]... [--config FILE]... [--db CONNECTION]
                  [--deliver TARGET] [--store TARGET] [--ca-file FILE] [--web HOST:PORT|off]
                  [--tls-cert FILE [--tls-key FILE] --tls-ca FILE]
          --data DIR          data folder (SQLite journal, keys, Maildir); default ./data        env RPOLL_DATA
          --hostname HOST     address to bind and be reached at; default 127.0.0.1              env RPOLL_HOSTNAME
          --port PORT         remoting port; default 4053                                       env RPOLL_PORT
          --seed HOST:PORT    a seed node to join (repeatable); none: a one-node cluster        env RPOLL_SEEDS
          --config FILE       extra HOCON over the defaults in hocon/ (repeatable)              env RPOLL_CONFIG
          --db CONNECTION     PostgreSQL connection string; none: SQLite in the data folder     env RPOLL_DB
          --deliver TARGET    queue path: maildir | lmtp://HOST:PORT | lmtp:/socket | smtp://HOST:PORT  env RPOLL_DELIVER
          --store TARGET      mailbox store: maildir | imap://HOST:PORT (master user from HOCON/env)    env RPOLL_STORE
          --ca-file FILE      extra trusted CA certificates (PEM) for remote servers            env RPOLL_CA_FILE
          --web HOST:PORT|off the web UI, /metrics and /health; default 127.0.0.1:8010        env RPOLL_WEB
          secrets (environment only): RPOLL_CLUSTER_SECRET or RPOLL_CLUSTER_SECRET_FILE, else DATA/cluster.secret (signs tokens);
                                      RPOLL_SECRETS_KEYS or RPOLL_SECRETS_KEYS_FILE, else DATA/secrets.keys (seal passwords)
          --tls-cert FILE     cluster transport TLS: this node's certificate (.pfx/.p12, or PEM)  env RPOLL_TLS_CERT
                              (a PKCS#12 password only from env RPOLL_TLS_PASSWORD or HOCON)
          --tls-key FILE      the PEM private key of a PEM --tls-cert                          env RPOLL_TLS_KEY
          --tls-ca FILE       PEM CA certificates every peer (node or rpoll) must chain to      env RPOLL_TLS_CA
        """;

    /// <summary>Parses the options; throws <see cref="ArgumentException"/> naming the option and the reason.</summary>
    public static NodeOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var o = new NodeOptions();
        string? Env(string name) => env(name) is { Length: > 0 } v ? v : null;
        if (Env("RPOLL_DATA") is { } d) o = o with { DataDir = d };
        if (Env("RPOLL_HOSTNAME") is { } h) o = o with { Hostname = h };
        if (Env("RPOLL_PORT") is { } p) o = o with { Port = Port("RPOLL_PORT", p) };
        if (Env("RPOLL_SEEDS") is { } s) o = o with { Seeds = List(s).Select(x => Seed("RPOLL_SEEDS", x)).ToList() };
        if (Env("RPOLL_CONFIG") is { } c) o = o with { ConfigFiles = List(c) };
        if (Env("RPOLL_DB") is { } db) o = o with { Database = db };
        if (Env("RPOLL_DELIVER") is { } dl) o = o with { Deliver = dl };
        if (Env("RPOLL_STORE") is { } st) o = o with { Store = st };
        if (Env("RPOLL_CA_FILE") is { } ca) o = o with { CaFile = ca };
        if (Env("RPOLL_WEB") is { } web) o = o with { Web = web };
        if (Env("RPOLL_TLS_CERT") is { } tc) o = o with { TlsCertificate = tc };
        if (Env("RPOLL_TLS_KEY") is { } tk) o = o with { TlsKey = tk };
        if (Env("RPOLL_TLS_CA") is { } ta) o = o with { TlsCaFile = ta };

        var seeds = new List<string>();
        var configs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name}: a value is missing");
            switch (name)
            {
                case "--data": o = o with { DataDir = Value() }; break;
                case "--hostname": o = o with { Hostname = Value() }; break;
                case "--port": o = o with { Port = Port(name, Value()) }; break;
                case "--seed": seeds.Add(Seed(name, Value())); break;
                case "--config": configs.Add(Value()); break;
                case "--db": o = o with { Database = Value() }; break;
                case "--deliver": o = o with { Deliver = Value() }; break;
                case "--store": o = o with { Store = Value() }; break;
                case "--ca-file": o = o with { CaFile = Value() }; break;
                case "--web": o = o with { Web = Value() }; break;
                case "--tls-cert": o = o with { TlsCertificate = Value() }; break;
                case "--tls-key": o = o with { TlsKey = Value() }; break;
                case "--tls-ca": o = o with { TlsCaFile = Value() }; break;
                default: throw new ArgumentException($"{name}: unknown option");
            }
        }
        if (seeds.Count > 0) o = o with { Seeds = seeds };
        if (configs.Count > 0) o = o with { ConfigFiles = configs };
        foreach (var f in o.ConfigFiles)
            if (!File.Exists(f)) throw new ArgumentException($"--config: '{f}' does not exist");
        if (HostAndPort.TryParse(o.Hostname, out var hr) is not { Port: null })
            throw new ArgumentException($"--hostname: '{o.Hostname}' {hr ?? "must not have a port"}");
        return o;
    }

    private static List<string> List(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int Port(string name, string v) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535
            ? p : throw new ArgumentException($"{name}: '{v}' is not a port from 0 to 65535");

    private static string Seed(string name, string v) =>
        HostAndPort.TryParse(v, out var r) is { Port: not null } hp ? hp.ToString()
            : throw new ArgumentException($"{name}: '{v}' is not HOST:PORT{(r is null ? "" : ": " + r)}");
}
