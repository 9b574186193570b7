using Akka.Configuration;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Cluster.Tests.Hosting;

/// <summary>remotepoll.delivery-sessions (issue 18): the node's bound on sessions to its LMTP target.</summary>
public sealed class DeliverySessionsSettingTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-sessions-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private PollEnvironment Create(string hocon) =>
        PollEnvironmentFactory.Create(new NodeOptions { DataDir = _data, Deliver = "lmtp://127.0.0.1:2424" },
            ConfigurationFactory.ParseString(hocon), new AesGcmSecretSealer("k", new Dictionary<string, byte[]> { ["k"] = new byte[32] }), _ => null);

    [Fact]
    public void The_setting_bounds_the_sessions_to_the_LMTP_target_and_defaults_to_four()
    {
        Assert.Equal(7, Assert.IsType<LmtpQueueDelivery>(Create("remotepoll.delivery-sessions = 7").Queue).MaxSessions);
        Assert.Equal(LmtpQueueDelivery.DefaultMaxSessions, Assert.IsType<LmtpQueueDelivery>(Create("").Queue).MaxSessions);
        Assert.Equal(4, LmtpQueueDelivery.DefaultMaxSessions);
    }

    [Fact]
    public void A_bound_below_one_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentException>(() => Create("remotepoll.delivery-sessions = 0"));
        Assert.Contains("remotepoll.delivery-sessions", e.Message);
        Assert.Contains("0 is not a positive number", e.Message);
    }
}
