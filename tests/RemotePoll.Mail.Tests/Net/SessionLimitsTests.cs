using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rimap;
using Xunit;

namespace RemotePoll.Mail.Tests.Net;

/// <summary>POP3 and RIMAP sessions built without the node's settings take the same limits as a node (node.conf).</summary>
public sealed class SessionLimitsTests
{
    private const long NodeMaxMessageSize = 64L * 1024 * 1024;

    [Fact]
    public void Pop3_and_Rimap_sessions_default_to_the_nodes_limits()
    {
        var pop3 = new Pop3SessionOptions { Host = HostAndPort.Parse("pop.example.org") };
        var rimap = new RimapMirrorRequest
        {
            Account = "a@example.org", RecordName = "m", Host = HostAndPort.Parse("imap.example.org"), User = "u", Password = "p",
        };

        Assert.Equal(NodeMaxMessageSize, pop3.MaxMessageSize);
        Assert.Equal(NodeMaxMessageSize, rimap.MaxMessageSize);
        Assert.Equal((pop3.ConnectTimeout, pop3.CommandTimeout), (rimap.ConnectTimeout, rimap.CommandTimeout));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)), (rimap.ConnectTimeout, rimap.CommandTimeout));
    }
}
