namespace RemotePoll.Cluster.Hosting;

/// <summary>What one node is told at start: where its data lives, how it is reached, whom it joins, which database.</summary>
public sealed record NodeOptions
{
    public const string SystemName = Contracts.AdminProtocol.SystemName;
    public const int DefaultPort = 4053;

    /// <summary>The data folder: SQLite journal, keys, the embedded Maildir tree.</summary>
    public string DataDir { get; init; } = "data";
    /// <summary>The address this node binds and is reached at.</summary>
    public string Hostname { get; init; } = "127.0.0.1";
    public int Port { get; init; } = DefaultPort;
    /// <summary>host:port of seed nodes; empty: this node seeds its own one-node cluster.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];
    /// <summary>Cluster bootstrap instead of seeds (<see cref="NodeBootstrap"/>): null, "config" or "kubernetes".</summary>
    public string? Bootstrap { get; init; }
    /// <summary>The Akka.Management HTTP endpoint HOST:PORT this node serves and advertises for bootstrap; null: the
    /// machine's first address, port 8558.</summary>
    public string? Management { get; init; }
    /// <summary>The service name the bootstrap looks up (Kubernetes: the pods' app.kubernetes.io/name label).</summary>
    public string BootstrapService { get; init; } = SystemName;
    /// <summary>For bootstrap "config": every node's management HOST:PORT.</summary>
    public IReadOnlyList<string> BootstrapEndpoints { get; init; } = [];
    /// <summary>How many contact points must be found before a new cluster is formed.</summary>
    public int BootstrapRequired { get; init; } = 2;
    /// <summary>A PostgreSQL connection string; null: SQLite in the data folder.</summary>
    public string? Database { get; init; }
    /// <summary>The folder of the HOCON defaults (node.conf, sqlite.conf, postgres.conf).</summary>
    public string HoconDir { get; init; } = Path.Combine(AppContext.BaseDirectory, "hocon");
    /// <summary>Queue delivery target (overrides remotepoll.deliver): maildir | lmtp://HOST:PORT | lmtp:/path | smtp://HOST:PORT.</summary>
    public string? Deliver { get; init; }
    /// <summary>Mailbox store (overrides remotepoll.store): maildir | imap://HOST:PORT.</summary>
    public string? Store { get; init; }
    /// <summary>Extra trusted CA certificates for remote servers (overrides remotepoll.ca-file).</summary>
    public string? CaFile { get; init; }
    /// <summary>The web UI's HOST:PORT or "off" (overrides remotepoll.web.listen); null: the HOCON value.</summary>
    public string? Web { get; init; }
    /// <summary>Cluster transport TLS: this node's certificate (PKCS#12, or PEM with <see cref="TlsKey"/>); overrides remotepoll.cluster-tls.certificate.</summary>
    public string? TlsCertificate { get; init; }
    /// <summary>The PEM private key of a PEM <see cref="TlsCertificate"/>.</summary>
    public string? TlsKey { get; init; }
    /// <summary>The CA file the peers' certificates must chain to.</summary>
    public string? TlsCaFile { get; init; }
    /// <summary>The cluster TLS in force (from the options, the environment and HOCON), or null for plain TCP.</summary>
    public ClusterTls? Tls { get; init; }
    /// <summary>Extra HOCON files, applied over the defaults in order.</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];

    /// <summary>The HOCON files in force, lowest precedence first.</summary>
    public IReadOnlyList<string> HoconFiles =>
        [Path.Combine(HoconDir, "node.conf"), Path.Combine(HoconDir, Database is null ? "sqlite.conf" : "postgres.conf"), .. ConfigFiles];

    public string SqliteFile => Path.Combine(DataDir, "remotepoll.db");
    public string KeyFile => Path.Combine(DataDir, Secrets.KeyRing.FileName);
    public string MaildirRoot => Path.Combine(DataDir, "mail");

    /// <summary>The seed node addresses; none when the cluster bootstrap finds the nodes.</summary>
    public IReadOnlyList<string> SeedAddresses => Bootstrap is not null ? [] :
        (Seeds.Count == 0 ? [$"{Hostname}:{Port}"] : Seeds).Select(s => $"{(Tls is null ? ClusterTls.PlainScheme : ClusterTls.TlsScheme)}://{SystemName}@{s}").ToList();
}
