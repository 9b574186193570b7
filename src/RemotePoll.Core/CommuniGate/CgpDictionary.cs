using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// A CGP dictionary, written <c>{key=value;key=value;}</c>: string keys, case-sensitive and unique, kept in
/// the order given. Two dictionaries are equal when they hold the same pairs, whatever their order, since
/// CGP does not give the order a meaning.
/// </summary>
public sealed record CgpDictionary : CgpValue
{
    private readonly OrderedDictionary<string, CgpValue> entries;

    /// <summary>Copies <paramref name="entries"/>, keeping their order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/>, a key or a value is null.</exception>
    /// <exception cref="ArgumentException">A key appears twice, or holds a zero character or an unpaired surrogate.</exception>
    public CgpDictionary(IEnumerable<KeyValuePair<string, CgpValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        this.entries = new OrderedDictionary<string, CgpValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries) Add(key, value);
        Entries = new ReadOnlyDictionary<string, CgpValue>(this.entries);
    }

    /// <summary>Takes the pairs in order: <c>new CgpDictionary(("domain", "pop.example.com"), ("leave", "YES"))</c>.</summary>
    /// <exception cref="ArgumentNullException">A key or a value is null.</exception>
    /// <exception cref="ArgumentException">A key appears twice, or holds a zero character or an unpaired surrogate.</exception>
    public CgpDictionary(params ReadOnlySpan<(string Key, CgpValue Value)> entries)
    {
        this.entries = new OrderedDictionary<string, CgpValue>(entries.Length, StringComparer.Ordinal);
        foreach (var (key, value) in entries) Add(key, value);
        Entries = new ReadOnlyDictionary<string, CgpValue>(this.entries);
    }

    public static CgpDictionary Empty { get; } = new();

    /// <summary>The pairs; enumerating them gives the order they were made or parsed in.</summary>
    public IReadOnlyDictionary<string, CgpValue> Entries { get; }

    /// <summary>The keys in order.</summary>
    public IEnumerable<string> Keys => entries.Keys;

    public int Count => entries.Count;

    /// <exception cref="KeyNotFoundException">There is no <paramref name="key"/>.</exception>
    public CgpValue this[string key] => entries[key];

    public bool ContainsKey(string key) => entries.ContainsKey(key);

    public bool TryGetValue(string key, [NotNullWhen(true)] out CgpValue? value) => entries.TryGetValue(key, out value);

    /// <summary>The text of <paramref name="key"/> when its value is a string; false when absent or of another kind.</summary>
    public bool TryGetString(string key, [NotNullWhen(true)] out string? value)
    {
        value = entries.TryGetValue(key, out var found) && found is CgpString text ? text.Value : null;
        return value is not null;
    }

    /// <summary>The value of <paramref name="key"/> when it is a dictionary, such as one RPOP record in the RPOP dictionary.</summary>
    public bool TryGetDictionary(string key, [NotNullWhen(true)] out CgpDictionary? value)
    {
        value = entries.TryGetValue(key, out var found) ? found as CgpDictionary : null;
        return value is not null;
    }

    private void Add(string key, CgpValue value)
    {
        ArgumentNullException.ThrowIfNull(key, "entries");
        ArgumentNullException.ThrowIfNull(value, "entries");
        CgpSyntax.ThrowIfNotText(key, "entries");
        if (!entries.TryAdd(key, value))
            throw new ArgumentException($"The key '{key}' appears twice; CommuniGate dictionary keys are unique.", "entries");
    }

    public bool Equals(CgpDictionary? other)
    {
        if (other is null || other.entries.Count != entries.Count) return false;
        foreach (var (key, value) in entries)
            if (!other.entries.TryGetValue(key, out var otherValue) || !value.Equals(otherValue)) return false;
        return true;
    }

    public override int GetHashCode()
    {
        // Order-free, to agree with Equals.
        var hash = 0;
        foreach (var (key, value) in entries)
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value);
        return HashCode.Combine(entries.Count, hash);
    }
}
