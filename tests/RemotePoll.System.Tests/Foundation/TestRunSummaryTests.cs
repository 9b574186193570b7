using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.Foundation;

/// <summary>
/// tests/run ends with one line summing dotnet test's result lines. Its awk program must end with every awk: GNU awk
/// grows NF when a field past the last is assigned, so a program that writes to $(i+1) in a loop to NF never ends.
/// </summary>
public sealed class TestRunSummaryTests
{
    // The result lines as dotnet test prints them (thousands with a comma), among other output.
    private const string Log = """
        Test run for /src/tests/RemotePoll.Core.Tests/bin/Release/net10.0/RemotePoll.Core.Tests.dll (.NETCoreApp,Version=v10.0)
        Passed!  - Failed:     0, Passed:   412, Skipped:     0, Total:   412, Duration: 3 s - RemotePoll.Core.Tests.dll (net10.0)
          Failed RemotePoll.System.Tests.Rpop.RpopPollingTests.Something [2 s]
        Failed!  - Failed:     2, Passed:   1,204, Skipped:     1, Total:   1,207, Duration: 27 m - RemotePoll.System.Tests.dll (net10.0)
        Passed!  - Failed:     0, Passed:     7, Skipped:     3, Total:    10, Duration: 1 s - RemotePoll.Web.Tests.dll (net10.0)

        """;

    [Theory]
    [InlineData("mawk")]
    [InlineData("gawk")]
    [InlineData("awk")]
    public async Task The_summary_line_adds_up_the_result_lines_and_ends_with_every_awk(string awk)
    {
        Assert.True(File.Exists($"/usr/bin/{awk}"), $"/usr/bin/{awk} is missing: tests/install-deps installs gawk and mawk");
        var log = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(log, Log, TestContext.Current.CancellationToken);
            var r = await ExternalCommand.RunAsync("env",
                [$"AWK={awk}", "bash", Path.Combine(BuiltPrograms.RepoRoot, "tests", "run"), "--summary", log], TimeSpan.FromSeconds(20),
                TestContext.Current.CancellationToken);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("1623 passed, 2 failed, 4 skipped", r.StandardOutput.Trim());
        }
        finally
        {
            File.Delete(log);
        }
    }
}
