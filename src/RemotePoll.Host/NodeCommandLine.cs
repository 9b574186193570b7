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
                  [--bootstrap config|kubernetes [--management HOST:PORT] [--bootstrap-service NAME]
                   [--bootstrap-endpoint HOST:PORT]... [--bootstrap-required N]]
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
          --bootstrap MODE    form the cluster without --seed (Akka.Management Cluster Bootstrap):  env RPOLL_BOOTSTRAP
                              config (the --bootstrap-endpoint list) | kubernetes (pods labelled
                              app.kubernetes.io/name=SERVICE, container port named "management")
          --management HOST:PORT  this node's management HTTP endpoint; default first address:8558  env RPOLL_MANAGEMENT
          --bootstrap-service NAME  the service looked up; default remotepoll          env RPOLL_BOOTSTRAP_SERVICE
          --bootstrap-endpoint HOST:PORT  config: a node's management endpoint (repeatable)  env RPOLL_BOOTSTRAP_ENDPOINTS
          --bootstrap-required N  contact points needed to form a new cluster; default 2  env RPOLL_BOOTSTRAP_REQUIRED
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
        if (Env("RPOLL_BOOTSTRAP") is { } bs) o = o with { Bootstrap = bs };
        if (Env("RPOLL_MANAGEMENT") is { } mg) o = o with { Management = Seed("RPOLL_MANAGEMENT", mg) };
        if (Env("RPOLL_BOOTSTRAP_SERVICE") is { } sv) o = o with { BootstrapService = sv };
        if (Env("RPOLL_BOOTSTRAP_ENDPOINTS") is { } be) o = o with { BootstrapEndpoints = List(be).Select(x => Seed("RPOLL_BOOTSTRAP_ENDPOINTS", x)).ToList() };
        if (Env("RPOLL_BOOTSTRAP_REQUIRED") is { } br) o = o with { BootstrapRequired = Count("RPOLL_BOOTSTRAP_REQUIRED", br) };

        var seeds = new List<string>();
        var configs = new List<string>();
        var endpoints = new List<string>();
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
                case "--bootstrap": o = o with { Bootstrap = Value() }; break;
                case "--management": o = o with { Management = Seed(name, Value()) }; break;
                case "--bootstrap-service": o = o with { BootstrapService = Value() }; break;
                case "--bootstrap-endpoint": endpoints.Add(Seed(name, Value())); break;
                case "--bootstrap-required": o = o with { BootstrapRequired = Count(name, Value()) }; break;
                default: throw new ArgumentException($"{name}: unknown option");
            }
        }
        if (seeds.Count > 0) o = o with { Seeds = seeds };
        if (configs.Count > 0) o = o with { ConfigFiles = configs };
        if (endpoints.Count > 0) o = o with { BootstrapEndpoints = endpoints };
        CheckBootstrap(o);
        foreach (var f in o.ConfigFiles)
            if (!File.Exists(f)) throw new ArgumentException($"--config: '{f}' does not exist");
        if (HostAndPort.TryParse(o.Hostname, out var hr) is not { Port: null })
            throw new ArgumentException($"--hostname: '{o.Hostname}' {hr ?? "must not have a port"}");
        return o;
    }

    private static void CheckBootstrap(NodeOptions o)
    {
        if (o.Bootstrap is null) return;
        if (o.Bootstrap is not (NodeBootstrap.Config or NodeBootstrap.Kubernetes))
            throw new ArgumentException($"--bootstrap: '{o.Bootstrap}' is not {NodeBootstrap.Config} or {NodeBootstrap.Kubernetes}");
        if (o.Seeds.Count > 0)
            throw new ArgumentException("--seed: not with --bootstrap (the bootstrap finds the nodes)");
        if (o.Bootstrap == NodeBootstrap.Config && o.BootstrapEndpoints.Count == 0)
            throw new ArgumentException("--bootstrap-endpoint: bootstrap config needs the nodes' management endpoints");
        if (o.BootstrapService.Length == 0)
            throw new ArgumentException("--bootstrap-service: must not be empty");
    }

    private static int Count(string name, string v) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n : throw new ArgumentException($"{name}: '{v}' is not a number of 1 or more");

    private static List<string> List(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int Port(string name, string v) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535
            ? p : throw new ArgumentException($"{name}: '{v}' is not a port from 0 to 65535");

    private static string Seed(string name, string v) =>
        HostAndPort.TryParse(v, out var r) is { Port: not null } hp ? hp.ToString()
            : throw new ArgumentException($"{name}: '{v}' is not HOST:PORT{(r is null ? "" : ": " + r)}");
}
