using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Tests.Hosting;

/// <summary>
/// Issue 16.12: the data folder, the SQLite journal and its -wal and -shm files are owner-only whatever the process umask
/// (this machine's is 022, under which they were 0755 and 0644).
/// </summary>
public sealed class DataFileModesTests : TestKit
{
    private readonly string _parent = Directory.CreateTempSubdirectory("rpoll-modes-").FullName;
    private string Data => Path.Combine(_parent, "data");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend)
            .AddHocon("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }", HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = Data });

    [Fact]
    public async Task The_data_folder_and_the_journal_files_are_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        var health = Sys.ActorOf(HostHealth.Props(TimeProvider.System));
        health.Tell(new ReportHostFailure("pop.example.com", ["192.0.2.1:110"], "a@example.com", "refused", TimeSpan.FromMinutes(5)));
        await AwaitAssertAsync(async () => Assert.Single(((HostsView)(await health.Ask<AdminReply>(new HostsList(), TimeSpan.FromSeconds(5), Ct)).Result!).Hosts),
            TimeSpan.FromSeconds(10), cancellationToken: Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Data));
        var files = new[] { "remotepoll.db", "remotepoll.db-wal", "remotepoll.db-shm" }.Select(f => Path.Combine(Data, f)).ToList();
        Assert.All(files, f => Assert.True(File.Exists(f), f));
        foreach (var f in files) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
    }
}
