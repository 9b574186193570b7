using System.Collections.Immutable;

namespace RemotePoll.Core.Ledgers;

/// <summary>
/// What an RPOP record remembers of a remote mailbox, by POP3 UID (spec, Leave: "it remembers the UID of the
/// retrieved messages"): the UIDs already delivered locally, and those the local side refused permanently (left on
/// the server, not fetched again). The spec keeps it in private/rpopids/NAME; we keep it in the journal.
/// A UID that is no longer on the server is pruned.
/// <para><see cref="InFlight"/> holds the UIDs handed to the local side but not yet recorded, with the delivery id
/// stamped into each copy: left over only when a node died mid-batch.</para>
/// </summary>
public sealed record UidLedger(ImmutableHashSet<string> Delivered, ImmutableHashSet<string> Rejected)
{
    public static readonly UidLedger Empty = new(ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal));

    /// <summary>UID to delivery id of the messages whose delivery started and is not recorded yet.</summary>
    public ImmutableDictionary<string, string> InFlight { get; init; } = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// UID to the size LIST gave for the message recorded under it. A POP3 server may give a UIDL to a new message once
    /// the old one is gone (RFC 1939 only asks it not to while the old one exists); the size tells them apart.
    /// </summary>
    public ImmutableDictionary<string, long> Sizes { get; init; } = ImmutableDictionary.Create<string, long>(StringComparer.Ordinal);

    public bool Knows(string uid) => Delivered.Contains(uid) || Rejected.Contains(uid);

    /// <summary>
    /// Whether the message listed now under <paramref name="uid"/> with <paramref name="size"/> octets can be the one
    /// recorded under it: the same size, or no size recorded (ledgers written before sizes, imported UID files).
    /// </summary>
    public bool Matches(string uid, long size) => !Sizes.TryGetValue(uid, out var recorded) || recorded == size;

    /// <summary>Records the UIDs (delivered, refused) and prunes; a UID recorded or pruned is no longer in flight.</summary>
    public UidLedger Apply(LedgerChange change) => new(
        Delivered.Except(change.Removed).Union(change.Delivered),
        Rejected.Except(change.Removed).Except(change.Delivered).Union(change.Rejected))
    {
        InFlight = InFlight.RemoveRange(change.Delivered).RemoveRange(change.Rejected).RemoveRange(change.Removed),
        // A UID recorded again without a size (an import) keeps no stale size from a message it no longer names.
        Sizes = Sizes.RemoveRange(change.Removed).RemoveRange(change.Delivered).RemoveRange(change.Rejected)
            .SetItems(RecordedSizes(change)),
    };

    private static IEnumerable<KeyValuePair<string, long>> RecordedSizes(LedgerChange change)
    {
        if (change.Sizes is not { Count: > 0 } sizes) return [];
        var recorded = new HashSet<string>(change.Delivered.Concat(change.Rejected), StringComparer.Ordinal);
        return sizes.Where(e => recorded.Contains(e.Key));
    }

    /// <summary>Marks deliveries as started (a UID marked again takes the new id).</summary>
    public UidLedger Start(IEnumerable<InFlightDelivery> deliveries) =>
        this with { InFlight = InFlight.SetItems(deliveries.Select(d => KeyValuePair.Create(d.Uid, d.Id))) };

    public bool Equals(UidLedger? other) =>
        other is not null && Delivered.SetEquals(other.Delivered) && Rejected.SetEquals(other.Rejected)
        && InFlight.Count == other.InFlight.Count && InFlight.All(e => other.InFlight.TryGetValue(e.Key, out var id) && id == e.Value)
        && Sizes.Count == other.Sizes.Count && Sizes.All(e => other.Sizes.TryGetValue(e.Key, out var size) && size == e.Value);

    public override int GetHashCode() => HashCode.Combine(Delivered.Count, Rejected.Count);

    /// <summary>Reads a migrated ledger file (private/rpopids/NAME): one UID per line; blank lines ignored.</summary>
    public static IReadOnlyList<string> ParseUidFile(string text)
    {
        var uids = new List<string>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var uid = raw.TrimEnd('\r').Trim();
            if (uid.Length == 0) continue;
            // RFC 1939: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E.
            if (uid.Length > 70 || uid.Any(c => c < 0x21 || c > 0x7E))
                throw new Validation.ValidationException("uids", $"line {lineNo}: '{(uid.Length > 40 ? uid[..40] + "..." : uid)}' is not a POP3 UID");
            uids.Add(uid);
        }
        return uids;
    }
}
