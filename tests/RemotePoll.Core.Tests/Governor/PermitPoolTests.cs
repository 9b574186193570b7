using Xunit;
using RemotePoll.Core.Governor;

namespace RemotePoll.Core.Tests.Governor;

public sealed class PermitPoolTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private static PermitPool Ready(int capacity) => PermitPool.Create(capacity, T0);

    [Fact]
    public void Never_grants_more_than_the_capacity_and_serves_the_waiting_in_order()
    {
        var pool = Ready(2);
        var granted = new List<string>();
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            (pool, var g) = pool.Request(id, T0, Ttl);
            granted.AddRange(g);
        }
        Assert.Equal(["a", "b"], granted);
        Assert.Equal(2, pool.InUse);
        (pool, var next) = pool.Release("a", T0, Ttl);
        Assert.Equal(["c"], next);
        (pool, next) = pool.Release("b", T0, Ttl);
        Assert.Equal(["d"], next);
        Assert.Equal(2, pool.InUse);
    }

    [Fact]
    public void A_repeated_request_is_counted_once_and_a_holder_asking_again_is_told_it_holds_it()
    {
        var pool = Ready(1);
        (pool, var g1) = pool.Request("a", T0, Ttl);
        (pool, var g2) = pool.Request("a", T0, Ttl);
        (pool, var g3) = pool.Request("b", T0, Ttl);
        (pool, var g4) = pool.Request("b", T0, Ttl);
        Assert.Equal(["a"], g1);
        Assert.Equal(["a"], g2);
        Assert.Empty(g3);
        Assert.Empty(g4);
        Assert.Single(pool.Waiting);
    }

    [Fact]
    public void Zero_capacity_grants_nothing_and_raising_it_serves_the_waiting()
    {
        var pool = Ready(0);
        (pool, var g) = pool.Request("a", T0, Ttl);
        Assert.Empty(g);
        (pool, g) = pool.Tick(0, T0.AddSeconds(1), Ttl);
        Assert.Empty(g);
        (pool, g) = pool.Tick(3, T0.AddSeconds(2), Ttl);
        Assert.Equal(["a"], g);
    }

    [Fact]
    public void A_lease_that_is_not_renewed_lapses_and_frees_its_permit()
    {
        var pool = Ready(1);
        (pool, _) = pool.Request("dead-node", T0, Ttl);
        (pool, var waiting) = pool.Request("b", T0, Ttl);
        Assert.Empty(waiting);
        (pool, var g) = pool.Tick(1, T0 + Ttl - TimeSpan.FromSeconds(1), Ttl);
        Assert.Empty(g);
        (pool, g) = pool.Tick(1, T0 + Ttl, Ttl);
        Assert.Equal(["b"], g);
    }

    [Fact]
    public void A_renewed_lease_does_not_lapse()
    {
        var pool = Ready(1);
        (pool, _) = pool.Request("a", T0, Ttl);
        pool = pool.Renew("a", T0.AddSeconds(8), Ttl);
        (pool, _) = pool.Request("b", T0.AddSeconds(8), Ttl);
        (pool, var g) = pool.Tick(1, T0.AddSeconds(15), Ttl);
        Assert.Empty(g);
        Assert.Equal(["a"], pool.Leases.Keys);
    }

    [Fact]
    public void A_pool_that_just_took_over_grants_nothing_until_holders_have_renewed_so_the_cap_holds()
    {
        // The old governor granted "x" on another node; the new one does not know it yet.
        var pool = PermitPool.Create(1, T0 + Ttl);
        (pool, var g) = pool.Request("new", T0, Ttl);
        Assert.Empty(g);
        pool = pool.Renew("x", T0.AddSeconds(3), Ttl); // the holder of the old permit renews with the new governor
        (pool, g) = pool.Tick(1, T0 + Ttl, Ttl);
        Assert.Empty(g); // capacity 1 is taken by "x"
        (pool, g) = pool.Release("x", T0 + Ttl, Ttl);
        Assert.Equal(["new"], g);
    }
}
