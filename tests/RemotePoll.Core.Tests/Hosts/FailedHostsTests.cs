using System.Net;
using Xunit;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Core.Tests.Hosts;

/// <summary>
/// Delay Failed Hosts keyed by resolved address and port, per account until several accounts fail (issue 16.5).
/// </summary>
public sealed class FailedHostsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(5);
    private const string Closed = "192.0.2.1:1";
    private const string Pop = "192.0.2.1:110";

    private static FailedHosts Fail(FailedHosts hosts, string endpoint, string account, DateTimeOffset at) =>
        hosts.Failures("provider", endpoint, account, "refused", at, Delay).Aggregate(hosts, (h, f) => h.Fail(f));

    [Fact]
    public void One_accounts_failure_holds_back_only_that_account_and_only_that_port()
    {
        var hosts = Fail(FailedHosts.Empty, Closed, "john@a.com", T0);

        Assert.NotNull(hosts.Blocking([Closed], "John@A.com", T0.AddMinutes(1)));
        Assert.Null(hosts.Blocking([Closed], "jane@b.com", T0.AddMinutes(1)));
        Assert.Null(hosts.Blocking([Pop], "john@a.com", T0.AddMinutes(1)));
        Assert.Null(hosts.Blocking([Closed], "john@a.com", T0 + Delay));
    }

    [Fact]
    public void A_second_account_failing_within_the_delay_fails_the_endpoint_for_everyone()
    {
        var hosts = Fail(FailedHosts.Empty, Closed, "john@a.com", T0);
        hosts = Fail(hosts, Closed, "jane@b.com", T0.AddMinutes(2));

        var third = hosts.Blocking([Closed], "kim@c.com", T0.AddMinutes(3));
        Assert.NotNull(third);
        Assert.Null(third.Account);
        Assert.Contains("2 accounts could not connect", third.Reason);
        Assert.Equal(T0.AddMinutes(2) + Delay, third.Until);
        Assert.Null(hosts.Blocking([Pop], "kim@c.com", T0.AddMinutes(3)));
    }

    [Fact]
    public void The_same_account_failing_again_does_not_fail_the_endpoint_for_others()
    {
        var hosts = FailedHosts.Empty;
        for (var poll = 0; poll < 6; poll++) hosts = Fail(hosts.Prune(T0.AddMinutes(5 * poll)), Closed, "john@a.com", T0.AddMinutes(5 * poll));

        Assert.Null(hosts.Blocking([Closed], "jane@b.com", T0.AddMinutes(26)));
        Assert.Single(hosts.Hosts);
    }

    [Fact]
    public void A_failure_after_the_other_accounts_delay_passed_counts_alone()
    {
        var hosts = Fail(FailedHosts.Empty, Closed, "john@a.com", T0);
        hosts = Fail(hosts, Closed, "jane@b.com", T0 + Delay);

        Assert.Null(hosts.Blocking([Closed], "kim@c.com", T0 + Delay + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_host_with_several_addresses_is_held_back_only_when_all_of_them_are()
    {
        var hosts = Fail(FailedHosts.Empty, Closed, "john@a.com", T0);

        Assert.Null(hosts.Blocking([Closed, "192.0.2.2:1"], "john@a.com", T0.AddMinutes(1)));
        Assert.NotNull(Fail(hosts, "192.0.2.2:1", "john@a.com", T0).Blocking([Closed, "192.0.2.2:1"], "john@a.com", T0.AddMinutes(1)));
    }

    [Fact]
    public void Clear_by_name_forgets_every_address_and_account_and_prune_forgets_the_past()
    {
        var hosts = Fail(Fail(FailedHosts.Empty, Closed, "john@a.com", T0), Pop, "jane@b.com", T0.AddMinutes(3));
        hosts = hosts.Fail(new FailedHost("other", T0, T0.AddMinutes(10), "x") { Endpoint = "192.0.2.9:110" });

        Assert.Equal(["other"], hosts.Clear("PROVIDER").Hosts.Values.Select(f => f.Host));
        Assert.Equal(2, hosts.Clear(Closed).Hosts.Count);
        Assert.Equal(2, hosts.Prune(T0 + Delay).Hosts.Count);
    }

    [Fact]
    public void Endpoints_are_written_as_address_and_port_and_a_mapped_IPv4_address_as_IPv4()
    {
        Assert.Equal("192.0.2.1:110", FailedHosts.Endpoint(IPAddress.Parse("::ffff:192.0.2.1"), 110));
        Assert.Equal("[2001:db8::1]:993", FailedHosts.Endpoint(IPAddress.Parse("2001:db8::1"), 993));
    }
}
