using System.Text.RegularExpressions;
using RemotePoll.Core.Records;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// deploy/ cannot be run here (no Docker engine, no Kubernetes), so its files are checked against the node: every
/// RPOLL_* name is one the node (or the CLI) reads, options on node command lines exist, addresses parse, names in
/// the manifests agree, and the HOCON the node would load parses.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Root = BuiltPrograms.RepoRoot;
    private static readonly string Deploy = Path.Combine(Root, "deploy");

    [GeneratedRegex(@"""(RPOLL_[A-Z0-9_]+)""")]
    private static partial Regex QuotedVariable();

    [GeneratedRegex(@"\bRPOLL_[A-Z0-9_]+\b")]
    private static partial Regex Variable();

    [GeneratedRegex(@"case ""(--[a-z-]+)""")]
    private static partial Regex OptionCase();

    /// <summary>RPOLL_* names that appear as string literals in the sources of <paramref name="projects"/>.</summary>
    private static HashSet<string> VariablesReadBy(params string[] projects) =>
        projects.SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root, "src", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => QuotedVariable().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> DeployFiles() =>
        Directory.EnumerateFiles(Deploy, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    [Fact]
    public void Every_RPOLL_variable_in_deploy_and_the_README_is_one_the_node_or_the_CLI_reads()
    {
        var node = VariablesReadBy("RemotePoll.Host", "RemotePoll.Cluster", "RemotePoll.Core", "RemotePoll.Web", "RemotePoll.Contracts"); // Core: the cluster secret's variables
        var cli = VariablesReadBy("RemotePoll.Cli", "RemotePoll.Contracts"); // Contracts: the cluster transport's TLS, shared with the node
        Assert.Superset(new HashSet<string> { "RPOLL_DATA", "RPOLL_HOSTNAME", "RPOLL_PORT", "RPOLL_SEEDS", "RPOLL_DB" }, node);
        Assert.Contains("RPOLL_CONTACT", cli);

        var files = DeployFiles().Append(Path.Combine(Root, "README.md")).ToList();
        Assert.Contains(files, f => f.EndsWith("compose.yaml", StringComparison.Ordinal));
        var unknown = files
            .SelectMany(f => Variable().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(Root, f), Name: m.Value)))
            .Where(x => !node.Contains(x.Name) && !cli.Contains(x.Name))
            .Distinct()
            .ToList();
        Assert.True(unknown.Count == 0, "unknown variables: " + string.Join(", ", unknown.Select(x => $"{x.Name} in {x.File}")));

        // The node's own help lists the variables it reads from the command line's options.
        var usage = File.ReadAllText(Path.Combine(Root, "src", "RemotePoll.Host", "NodeCommandLine.cs"));
        foreach (var name in new[] { "RPOLL_DATA", "RPOLL_HOSTNAME", "RPOLL_PORT", "RPOLL_SEEDS", "RPOLL_DB" })
            Assert.Contains("env " + name, usage);
    }

    [Fact]
    public void Node_command_lines_in_the_README_use_only_options_the_node_has()
    {
        var options = OptionCase().Matches(File.ReadAllText(Path.Combine(Root, "src", "RemotePoll.Host", "NodeCommandLine.cs")))
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("--seed", options);
        // Shell lines, continuations joined, that start the node: "remotepoll ...", "dotnet .../remotepoll.dll ...",
        // "dotnet run --project src/RemotePoll.Host -- ...".
        var lines = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("remotepoll ", StringComparison.Ordinal) || l.Contains("remotepoll.dll ", StringComparison.Ordinal) ||
                        l.Contains("src/RemotePoll.Host --", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(lines, l => l.Contains("--seed", StringComparison.Ordinal) && l.Contains("--db", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var start = Array.FindIndex(words, w => w is "--" or "remotepoll" || w.EndsWith("remotepoll.dll", StringComparison.Ordinal)) + 1;
            foreach (var w in words.Skip(start).Where(w => w.StartsWith("--", StringComparison.Ordinal)))
                Assert.True(options.Contains(w), $"'{w}' is not a node option, in: {line.Trim()}");
        }
    }

    [Fact]
    public void Compose_runs_three_nodes_with_distinct_hostnames_seeds_among_them_and_one_shared_key_file()
    {
        var text = File.ReadAllText(Path.Combine(Deploy, "compose.yaml"));
        var hostnames = Values(text, "RPOLL_HOSTNAME");
        Assert.Equal(3, hostnames.Count);
        Assert.Equal(3, hostnames.Distinct().Count());
        foreach (var h in hostnames) Assert.True(HostAndPort.TryParse(h, out var r) is { Port: null }, $"RPOLL_HOSTNAME {h}: {r}");

        var seeds = Assert.Single(Values(text, "RPOLL_SEEDS")).Split(',').Select(s => HostAndPort.TryParse(s, out _)).ToList();
        Assert.All(seeds, s => Assert.True(s is { Port: 4053 } && hostnames.Contains(s.Host), $"seed {s}"));
        Assert.Equal(hostnames[0], seeds[0]!.Host);
        Assert.Equal(["4053"], Values(text, "RPOLL_PORT").Select(v => v.Trim('"')).Distinct());
        Assert.StartsWith("Host=postgres;", Assert.Single(Values(text, "RPOLL_DB")), StringComparison.Ordinal);
        foreach (var (h, contact) in hostnames.Zip(Values(text, "RPOLL_CONTACT"))) Assert.Equal($"{h}:4053", contact);

        // Each node mounts the same key file into its data folder.
        var data = Assert.Single(Values(text, "RPOLL_DATA"));
        Assert.Equal(3, Regex.Matches(text, $@"- \./secrets\.keys:{Regex.Escape(data)}/secrets\.keys:ro").Count);
        Assert.Contains("ENV RPOLL_DATA=" + data, File.ReadAllText(Path.Combine(Deploy, "Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_manifests_agree_on_names_seeds_and_secrets()
    {
        var dir = Path.Combine(Deploy, "kubernetes");
        var service = File.ReadAllText(Path.Combine(dir, "service.yaml"));
        var set = File.ReadAllText(Path.Combine(dir, "statefulset.yaml"));
        var secret = File.ReadAllText(Path.Combine(dir, "secret.yaml"));
        var kustomization = File.ReadAllText(Path.Combine(dir, "kustomization.yaml"));

        Assert.Contains("clusterIP: None", service);
        Assert.Contains("publishNotReadyAddresses: true", service);
        var serviceName = Field(service, "name");
        var setName = Field(set, "name");
        Assert.Equal(serviceName, Field(set, "serviceName"));
        var replicas = int.Parse(Field(set, "replicas"), global::System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, replicas);
        Assert.Contains("kind: StatefulSet", set);
        Assert.Contains("preStop:", set);
        Assert.Contains("kill -TERM 1", set);

        // Each pod is reached at its stable name under the headless Service.
        string Expand(string v, int pod) => v.Replace("$(POD_NAMESPACE)", "ns", StringComparison.Ordinal)
            .Replace("$(POD_NAME)", $"{setName}-{pod}", StringComparison.Ordinal);
        for (var pod = 0; pod < replicas; pod++)
        {
            var hostname = Expand(Value(set, "RPOLL_HOSTNAME"), pod);
            Assert.True(HostAndPort.TryParse(hostname, out var reason) is { Port: null }, $"RPOLL_HOSTNAME {hostname}: {reason}");
            Assert.Equal($"{setName}-{pod}.{serviceName}.ns.svc.cluster.local", hostname);
        }

        // No seed list: the bootstrap finds the pods through the Kubernetes API by the label the pods carry, on the
        // container port named "management", which is the port each pod advertises; the ServiceAccount may list pods.
        Assert.DoesNotContain("RPOLL_SEEDS", set, StringComparison.Ordinal);
        Assert.Equal("kubernetes", Value(set, "RPOLL_BOOTSTRAP"));
        // The node's selector is app.kubernetes.io/name=SERVICE (NodeBootstrap.PodLabelSelector).
        Assert.Contains($"app.kubernetes.io/name: {Value(set, "RPOLL_BOOTSTRAP_SERVICE")}", set, StringComparison.Ordinal);
        Assert.Equal(replicas.ToString(global::System.Globalization.CultureInfo.InvariantCulture), Value(set, "RPOLL_BOOTSTRAP_REQUIRED").Trim('"'));
        var management = HostAndPort.TryParse(Value(set, "RPOLL_MANAGEMENT").Replace("$(POD_IP)", "10.0.0.1", StringComparison.Ordinal), out _);
        Assert.Matches($@"- name: management\s*(#.*)?\n\s+containerPort: {management?.Port}\b", set);
        Assert.Contains("fieldPath: status.podIP", set);
        var rbac = File.ReadAllText(Path.Combine(dir, "rbac.yaml"));
        var account = Field(set, "serviceAccountName");
        Assert.Contains($"kind: ServiceAccount\nmetadata:\n  name: {account}\n", rbac);
        Assert.Contains("resources: [\"pods\"]", rbac);
        Assert.Contains("\"list\"", rbac);
        Assert.Contains($"kind: ServiceAccount\n    name: {account}\n", rbac);
        Assert.Equal("4053", Value(set, "RPOLL_PORT").Trim('"'));
        Assert.Contains("Password=$(DB_PASSWORD)", Value(set, "RPOLL_DB"), StringComparison.Ordinal);

        // The Secret holds the key file and the password, and the pods mount that key file into their data folder.
        var secretName = Field(secret, "name");
        Assert.Equal(2, Regex.Matches(set, $@"(secretName|name): {Regex.Escape(secretName)}\b").Count);
        Assert.Contains("secrets.keys: |", secret);
        Assert.Contains("db-password:", secret);
        Assert.Contains("key: db-password", set);
        Assert.Contains($"mountPath: {Value(set, "RPOLL_DATA")}/secrets.keys", set);

        foreach (var file in Directory.EnumerateFiles(dir, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml"))
            Assert.Contains($"- {file}", kustomization);
    }

    [Fact]
    public void The_Dockerfile_runs_the_built_node_and_copies_what_the_build_needs()
    {
        var docker = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        Assert.Contains("\"/app/node/remotepoll.dll\"", docker);
        Assert.EndsWith("remotepoll.dll", BuiltPrograms.NodeDll, StringComparison.Ordinal);
        Assert.Contains("/app/cli/rpoll ", docker);
        Assert.EndsWith("rpoll.dll", BuiltPrograms.CliDll, StringComparison.Ordinal);
        foreach (Match m in Regex.Matches(docker, @"^COPY (?!--from)(.+) \S+$", RegexOptions.Multiline))
            foreach (var source in m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                Assert.True(Path.Exists(Path.Combine(Root, source)), $"COPY {source}: not in the repository");
    }

    [Fact]
    public async Task The_node_parses_every_HOCON_file_of_the_repository()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Root, "hocon"), "*.conf")
            .Concat(Directory.EnumerateFiles(Deploy, "*.conf", SearchOption.AllDirectories)).ToList();
        Assert.Contains(files, f => f.EndsWith("postgres.conf", StringComparison.Ordinal));
        using var data = new TempDir();

        // The node reads its HOCON before it checks --deliver: reaching that check means every file parsed.
        var ok = await RunNodeAsync(data.Path, [.. files.SelectMany(f => new[] { "--config", f }), "--deliver", "nosuch://x"]);
        Assert.True(ok.ExitCode == 2 && ok.StandardError.Contains("--deliver", StringComparison.Ordinal), ok.StandardError);

        // And a file that does not parse stops it earlier.
        var bad = Path.Combine(data.Path, "bad.conf");
        await File.WriteAllTextAsync(bad, "a = ${no.such.path}\n", TestContext.Current.CancellationToken);
        var broken = await RunNodeAsync(data.Path, ["--config", bad, "--deliver", "nosuch://x"]);
        Assert.NotEqual(0, broken.ExitCode);
        Assert.DoesNotContain("--deliver =", broken.StandardError, StringComparison.Ordinal);
    }

    private static Task<CommandResult> RunNodeAsync(string data, string[] args) =>
        ExternalCommand.RunAsync("dotnet", [BuiltPrograms.NodeDll, "--data", data, "--port", "1", .. args], TimeSpan.FromSeconds(60));

    /// <summary>The values of <c>NAME: value</c> (compose) lines, in file order.</summary>
    private static List<string> Values(string yaml, string name) =>
        Regex.Matches(yaml, $@"^\s+{name}: (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim()).ToList();

    /// <summary>The value of an env entry <c>- name: NAME</c> / <c>value: ...</c> (Kubernetes).</summary>
    private static string Value(string yaml, string name)
    {
        var m = Regex.Match(yaml, $@"- name: {name}\s*\n\s+value: (.+)$", RegexOptions.Multiline);
        Assert.True(m.Success, $"{name} is not set");
        return m.Groups[1].Value.Trim();
    }

    /// <summary>The first <c>key: value</c> with that key.</summary>
    private static string Field(string yaml, string key)
    {
        var m = Regex.Match(yaml, $@"^\s*{key}: (\S+)\s*$", RegexOptions.Multiline);
        Assert.True(m.Success, $"no {key}");
        return m.Groups[1].Value;
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rpoll-deploy-").FullName;
        public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
    }
}
