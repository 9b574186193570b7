using System.Collections.Immutable;

namespace RemotePoll.Core.Governor;

/// <summary>
/// The "Processes" cap as pure state: at most <see cref="Capacity"/> leases are held at any moment across the
/// cluster; waiting requests are served first come, first served, so no record starves. A lease lapses when its
/// holder stops renewing it (its node died). A pool that has just taken over (singleton hand-over) grants nothing
/// until <see cref="RecoveringUntil"/>: by then every live holder has renewed and been counted again.
/// </summary>
public sealed record PermitPool(
    int Capacity,
    ImmutableDictionary<string, DateTimeOffset> Leases,
    ImmutableList<string> Waiting,
    DateTimeOffset RecoveringUntil)
{
    public static PermitPool Create(int capacity, DateTimeOffset recoveringUntil) =>
        new(capacity, ImmutableDictionary<string, DateTimeOffset>.Empty, ImmutableList<string>.Empty, recoveringUntil);

    public int InUse => Leases.Count;

    /// <summary>Queues <paramref name="id"/> (once) and grants what capacity allows; returns the ids granted now.</summary>
    public (PermitPool Pool, IReadOnlyList<string> Granted) Request(string id, DateTimeOffset now, TimeSpan ttl)
    {
        if (Leases.ContainsKey(id)) return (this with { Leases = Leases.SetItem(id, now + ttl) }, [id]);
        var pool = Waiting.Contains(id) ? this : this with { Waiting = Waiting.Add(id) };
        return pool.Grant(now, ttl);
    }

    /// <summary>A holder renews its lease; an unknown holder (the pool was just taken over) is counted again.</summary>
    public PermitPool Renew(string id, DateTimeOffset now, TimeSpan ttl) =>
        this with { Leases = Leases.SetItem(id, now + ttl), Waiting = Waiting.Remove(id) };

    public (PermitPool Pool, IReadOnlyList<string> Granted) Release(string id, DateTimeOffset now, TimeSpan ttl) =>
        (this with { Leases = Leases.Remove(id), Waiting = Waiting.Remove(id) }).Grant(now, ttl);

    /// <summary>Drops lapsed leases, applies a new capacity, and grants what can be granted.</summary>
    public (PermitPool Pool, IReadOnlyList<string> Granted) Tick(int capacity, DateTimeOffset now, TimeSpan ttl) =>
        (this with { Capacity = capacity, Leases = Leases.RemoveRange(Leases.Where(l => l.Value <= now).Select(l => l.Key)) }).Grant(now, ttl);

    private (PermitPool Pool, IReadOnlyList<string> Granted) Grant(DateTimeOffset now, TimeSpan ttl)
    {
        if (now < RecoveringUntil || Waiting.IsEmpty || Leases.Count >= Capacity) return (this, []);
        var n = Math.Min(Capacity - Leases.Count, Waiting.Count);
        var granted = Waiting.Take(n).ToList();
        return (this with
        {
            Leases = Leases.SetItems(granted.Select(g => KeyValuePair.Create(g, now + ttl))),
            Waiting = Waiting.RemoveRange(0, n),
        }, granted);
    }
}
