using Akka.Event;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Polling;

/// <summary>What the protocol trace writes to the node log at Low-Level and All Info.</summary>
public sealed class ProtocolTraceTests
{
    private const string Capa = "+OK Capability list follows\r\nTOP\r\nUSER\r\nLOGIN-DELAY 900\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nUIDL\r\n.\r\n";
    private const string Uidl = "+OK\r\n1 000001a\r\n2 000001b\r\n.\r\n";

    private static List<string> Trace(PollLogLevel level, params string[] received)
    {
        var log = new Recording();
        var trace = ProtocolTrace.For(level, log, "a@b.c", "home")!;
        foreach (var text in received) trace.Received(text);
        return log.Lines;
    }

    [Theory]
    [InlineData(PollLogLevel.LowLevel)]
    [InlineData(PollLogLevel.AllInfo)]
    public void Every_capability_line_is_kept_whatever_its_name(PollLogLevel level)
    {
        var lines = Trace(level, Capa);

        foreach (var capability in new[] { "TOP", "USER", "LOGIN-DELAY 900", "RESP-CODES", "AUTH-RESP-CODE", "UIDL" })
            Assert.Contains($"RPOLL a@b.c/home: S: {capability}", lines);
    }

    [Fact]
    public void Low_Level_leaves_out_the_lines_of_a_listing_and_All_Info_keeps_them()
    {
        Assert.DoesNotContain(Trace(PollLogLevel.LowLevel, Uidl), l => l.EndsWith("1 000001a", StringComparison.Ordinal));
        Assert.Contains(Trace(PollLogLevel.AllInfo, Uidl), l => l.EndsWith("1 000001a", StringComparison.Ordinal));
        Assert.Contains(Trace(PollLogLevel.LowLevel, Uidl), l => l.EndsWith("S: +OK", StringComparison.Ordinal));
    }

    [Fact]
    public void Below_Low_Level_there_is_no_trace()
    {
        Assert.Null(ProtocolTrace.For(PollLogLevel.Problems, new Recording(), "a@b.c", "home"));
    }

    private sealed class Recording() : LoggingAdapterBase(DefaultLogMessageFormatter.Instance)
    {
        public List<string> Lines { get; } = [];
        public override bool IsDebugEnabled => true;
        public override bool IsInfoEnabled => true;
        public override bool IsWarningEnabled => true;
        public override bool IsErrorEnabled => true;

        protected override void NotifyLog(LogLevel logLevel, object message, Exception? cause) => Lines.Add(message.ToString()!);
    }
}
