using System.Reflection;

namespace RemotePoll.Architecture.Tests;

/// <summary>
/// The dependency rules (ARCHITECTURE.md, issue 19.5): Core &lt;- Mail &lt;- Cluster &lt;- Host, Cli, Web. Core knows no
/// framework and does no IO; Mail knows no actors; the web reaches the mail server and the database only through
/// interfaces of the layers that own them. Each rule is read from the built assembly, so a new reference or a new use
/// of a forbidden type fails here, naming it.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Assembly Core = typeof(RemotePoll.Core.Security.ClusterSecret).Assembly;
    private static readonly Assembly Mail = typeof(RemotePoll.Mail.Delivery.IMailboxStore).Assembly;
    private static readonly Assembly Cluster = typeof(RemotePoll.Cluster.Hosting.NodeOptions).Assembly;
    private static readonly Assembly Web = typeof(RemotePoll.Web.WebServer).Assembly;
    private static readonly Assembly Cli = typeof(RemotePoll.Cli.Rpoll).Assembly;
    private static readonly Assembly Contracts = typeof(RemotePoll.Contracts.AdminProtocol).Assembly;

    /// <summary>Types that read or write files, open connections or start processes.</summary>
    private static readonly string[] IoTypes =
    [
        "System.IO.File", "System.IO.FileInfo", "System.IO.Directory", "System.IO.DirectoryInfo", "System.IO.FileSystemInfo",
        "System.IO.FileStream", "System.IO.FileStreamOptions", "System.IO.DriveInfo", "System.IO.FileSystemWatcher",
        "System.IO.StreamReader", "System.IO.StreamWriter", "System.IO.Pipes.PipeStream",
        "System.Net.Dns", "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient", "System.Net.Sockets.TcpListener",
        "System.Net.Sockets.UdpClient", "System.Net.Sockets.NetworkStream", "System.Net.Http.HttpClient",
        "System.Diagnostics.Process", "System.Console",
    ];

    [Fact]
    public void Core_references_only_the_base_library()
    {
        var foreign = AssemblyMetadata.Of(Core).ReferencedAssemblies.Where(a => !IsBaseLibrary(a));

        Assert.Empty(foreign);
    }

    [Fact]
    public void Core_does_no_file_network_or_process_IO()
    {
        var io = AssemblyMetadata.Of(Core).ReferencedTypes.Select(t => t.Type).Where(IoTypes.Contains).Distinct();

        Assert.Empty(io);
    }

    [Fact]
    public void Mail_knows_no_actors_and_no_layer_above_it()
    {
        var above = AssemblyMetadata.Of(Mail).ReferencedAssemblies
            .Where(a => a.StartsWith("Akka", StringComparison.Ordinal) || IsAbove(a, "RemotePoll.Mail")
                || a.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || IsDatabaseDriver(a));

        Assert.Empty(above);
    }

    [Fact]
    public void Cluster_knows_no_web_no_cli_and_no_host()
    {
        var above = AssemblyMetadata.Of(Cluster).ReferencedAssemblies
            .Where(a => IsAbove(a, "RemotePoll.Cluster") || a.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));

        Assert.Empty(above);
    }

    [Fact]
    public void Web_reaches_the_database_and_the_mail_server_only_through_interfaces()
    {
        var web = AssemblyMetadata.Of(Web);
        var drivers = web.ReferencedAssemblies.Where(IsDatabaseDriver);
        var concreteMail = web.ReferencedTypes
            .Where(t => t.Assembly == "RemotePoll.Mail" && !IsInterfaceOrData(Mail, t.Type))
            .Select(t => t.Type).Distinct();

        Assert.Empty(drivers);
        Assert.Empty(concreteMail);
        Assert.DoesNotContain(web.ReferencedAssemblies, a => a is "MailKit" or "MimeKit" || IsAbove(a, "RemotePoll.Web"));
    }

    [Fact]
    public void Cli_knows_no_web_no_host_and_no_database()
    {
        var cli = AssemblyMetadata.Of(Cli).ReferencedAssemblies
            .Where(a => a is "RemotePoll.Web" or "remotepoll" || a.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || IsDatabaseDriver(a));

        Assert.Empty(cli);
    }

    /// <summary>
    /// rpoll sends one request: it must not load the node (issue 19.3). Every assembly it can reach through references,
    /// transitively, is checked; the node's layers, the database and mail libraries and Akka's node-side modules are out.
    /// </summary>
    [Fact]
    public void Cli_reaches_only_the_contracts_and_the_cluster_client_transitively()
    {
        var reached = AssemblyMetadata.Reachable(Cli);
        var node = reached.Where(a => a is "RemotePoll.Cluster" or "RemotePoll.Mail" or "RemotePoll.Web" or "remotepoll" or "MailKit" or "MimeKit"
            || IsDatabaseDriver(a) || a.StartsWith("Akka.Persistence", StringComparison.Ordinal) || a.StartsWith("Akka.Hosting", StringComparison.Ordinal)
            || a is "Akka.Cluster.Sharding" or "Akka.DistributedData" or "Akka.Management" or "Akka.Streams");

        Assert.Empty(node);
        Assert.Contains("RemotePoll.Contracts", reached);
        Assert.Contains("Akka.Cluster.Tools", reached);
    }

    [Fact]
    public void Contracts_reaches_no_node_layer_and_no_driver()
    {
        var reached = AssemblyMetadata.Reachable(Contracts);

        Assert.DoesNotContain(reached, a => a is "RemotePoll.Cluster" or "RemotePoll.Mail" or "MailKit" || IsDatabaseDriver(a)
            || a.StartsWith("Akka.Persistence", StringComparison.Ordinal) || a is "Akka.Cluster.Sharding");
    }

    [Fact]
    public void The_rules_see_what_the_layers_that_own_IO_do_use()
    {
        // A control: the node's layer keeps the secret file and reads the journal, so the same reading must find them there.
        var cluster = AssemblyMetadata.Of(Cluster);

        Assert.Contains(cluster.ReferencedTypes, t => t.Type == "System.IO.File");
        Assert.Contains(cluster.ReferencedAssemblies, IsDatabaseDriver);
        Assert.Contains(AssemblyMetadata.Of(Mail).ReferencedTypes, t => t.Type == "MailKit.Net.Imap.ImapClient");
        // and the transitive reading finds the node's heavy modules from the node's layer
        Assert.Contains("Akka.Cluster.Sharding", AssemblyMetadata.Reachable(Cluster));
        Assert.Contains("MailKit", AssemblyMetadata.Reachable(Cluster));
    }

    private static bool IsBaseLibrary(string assembly) =>
        assembly is "System.Runtime" or "netstandard" or "mscorlib" || assembly.StartsWith("System.", StringComparison.Ordinal);

    private static bool IsDatabaseDriver(string assembly) =>
        assembly is "Npgsql" or "Microsoft.Data.Sqlite" or "linq2db" || assembly.StartsWith("SQLitePCL", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="assembly"/> is one of ours that <paramref name="layer"/> must not reach.</summary>
    private static bool IsAbove(string assembly, string layer)
    {
        string[] order = ["RemotePoll.Core", "RemotePoll.Contracts", "RemotePoll.Mail", "RemotePoll.Cluster", "RemotePoll.Web", "RemotePoll.Cli", "rpoll", "remotepoll"];
        var self = Array.IndexOf(order, layer);
        var other = Array.IndexOf(order, assembly);
        return other > self;
    }

    /// <summary>Interfaces, exceptions, records and enums of Mail may be named; its implementations (stores, clients) not.</summary>
    private static bool IsInterfaceOrData(Assembly assembly, string fullName)
    {
        var type = assembly.GetType(fullName.Split('`')[0] + (fullName.Contains('`') ? "`" + fullName.Split('`')[1] : ""));
        return type is not null && (type.IsInterface || type.IsEnum || typeof(Exception).IsAssignableFrom(type) || type.IsValueType
            || type.GetMethod("<Clone>$") is not null);
    }
}
