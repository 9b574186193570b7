using Xunit;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Core.Tests.Hosts;

public sealed class FailedHostsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_failed_host_blocks_until_its_delay_passes_whatever_the_case_of_its_name()
    {
        var hosts = FailedHosts.Empty.Fail(new FailedHost("Pop.Example.com", T0, T0.AddMinutes(5), "refused"));
        Assert.NotNull(hosts.Blocking("pop.example.com", T0.AddMinutes(1)));
        Assert.NotNull(hosts.Blocking("POP.EXAMPLE.COM", T0.AddMinutes(4)));
        Assert.Null(hosts.Blocking("pop.example.com", T0.AddMinutes(5)));
        Assert.Null(hosts.Blocking("other.example.com", T0));
    }

    [Fact]
    public void Clear_and_prune_forget_failures()
    {
        var hosts = FailedHosts.Empty
            .Fail(new FailedHost("a", T0, T0.AddMinutes(1), "x"))
            .Fail(new FailedHost("b", T0, T0.AddMinutes(10), "y"));
        Assert.Equal(["b"], hosts.Prune(T0.AddMinutes(2)).Hosts.Keys);
        Assert.Equal(["a"], hosts.Clear("B").Hosts.Keys);
    }
}
