namespace RemotePoll.Testing.Nodes;

/// <summary>
/// Where the built node and CLI are: beside the sources, in the same configuration as the running tests
/// (the system test project references both so that they are built first).
/// </summary>
public static class BuiltPrograms
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string NodeDll => Program("RemotePoll.Host", "remotepoll.dll");
    public static string CliDll => Program("RemotePoll.Cli", "rpoll.dll");

    private static string Program(string project, string dll)
    {
        var path = Path.Combine(RepoRoot, "src", project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built: run 'dotnet build' first", path);
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "RemotePoll.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("RemotePoll.sln not found above " + AppContext.BaseDirectory);
    }
}
