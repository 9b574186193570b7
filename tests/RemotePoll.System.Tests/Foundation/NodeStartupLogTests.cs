using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.System.Tests.Foundation;

/// <summary>
/// A fresh node logs only what is true: Akka's singleton proxies warned "failed to find ... after 30 seconds" within
/// the first second of every healthy node (their timer fires first at zero), which a newcomer reads as broken.
/// </summary>
public sealed class NodeStartupLogTests
{
    [Fact]
    public async Task A_healthy_fresh_node_logs_no_singleton_warning_in_its_first_seconds()
    {
        var data = Directory.CreateTempSubdirectory("rpoll-startlog-").FullName;
        var started = DateTime.UtcNow;
        await using var node = await NodeProcess.StartAsync(data, FreePorts.Take(1)[0]);
        try
        {
            var ready = await RpollCli.RunAsync(node.Port, null, "module", "show");
            Assert.True(ready.ExitCode == 0, ready.StandardError);
            // The window of the false warnings (the first second) and well beyond, while the node answers.
            var window = started + TimeSpan.FromSeconds(15) - DateTime.UtcNow;
            if (window > TimeSpan.Zero) await Task.Delay(window, TestContext.Current.CancellationToken);
            Assert.Equal(0, (await RpollCli.RunAsync(node.Port, null, "cluster", "show")).ExitCode);

            var warnings = node.Log.Split('\n').Where(l => l.Contains("warn:", StringComparison.Ordinal) || l.Contains("[WARNING]", StringComparison.Ordinal)).ToList();
            Assert.True(!warnings.Any(l => l.Contains("singleton", StringComparison.OrdinalIgnoreCase)),
                "singleton warnings on a healthy node:\n" + string.Join('\n', warnings));
        }
        finally
        {
            await node.StopAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
