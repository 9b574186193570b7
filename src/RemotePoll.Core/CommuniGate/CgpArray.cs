namespace RemotePoll.Core.CommuniGate;

/// <summary>A CGP array, an ordered list of values written <c>(a,b,c)</c>.</summary>
public sealed record CgpArray : CgpValue
{
    private readonly CgpValue[] items;

    /// <summary>Copies <paramref name="items"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or one of its elements is null.</exception>
    public CgpArray(params IEnumerable<CgpValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        this.items = [.. items];
        if (Array.IndexOf(this.items, null) >= 0)
            throw new ArgumentNullException(nameof(items), "A CommuniGate array cannot hold a null element; use CgpNull.Instance.");
        Items = this.items.AsReadOnly();
    }

    public static CgpArray Empty { get; } = new();

    public IReadOnlyList<CgpValue> Items { get; }

    public int Count => items.Length;

    public CgpValue this[int index] => items[index];

    public bool Equals(CgpArray? other) =>
        other is not null && items.AsSpan().SequenceEqual(other.items);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items) hash.Add(item);
        return hash.ToHashCode();
    }
}
