namespace RemotePoll.Mail.Delivery;

/// <summary>
/// A local mailbox (folder) name as a list of hierarchy segments, independent of any store's delimiter:
/// <c>["INBOX"]</c>, <c>["Remote", "Work", "2024"]</c>. The first segment INBOX is case-insensitive (RFC 3501)
/// and kept as <c>INBOX</c>. Segments may hold any character except control characters.
/// </summary>
public sealed class MailboxPath : IEquatable<MailboxPath>
{
    public const string InboxName = "INBOX";

    /// <summary>CommuniGate Pro mailbox names use '/' between hierarchy levels.</summary>
    public const char DefaultDelimiter = '/';

    public static readonly MailboxPath Inbox = new([InboxName]);

    private readonly string[] _segments;

    private MailboxPath(string[] segments) => _segments = segments;

    public IReadOnlyList<string> Segments => _segments;

    public bool IsInbox => _segments.Length == 1 && _segments[0] == InboxName;

    /// <summary>The folder that holds this one; null for a top-level folder.</summary>
    public MailboxPath? Parent => _segments.Length == 1 ? null : new MailboxPath(_segments[..^1]);

    /// <summary>This path and all its ancestors, outermost first.</summary>
    public IEnumerable<MailboxPath> SelfAndAncestors()
    {
        for (var n = 1; n <= _segments.Length; n++)
            yield return new MailboxPath(_segments[..n]);
    }

    /// <exception cref="ArgumentException">A segment is empty or holds a control character.</exception>
    public static MailboxPath FromSegments(IEnumerable<string> segments)
    {
        var list = segments.ToArray();
        if (list.Length == 0) throw new ArgumentException("a mailbox path needs at least one segment", nameof(segments));
        foreach (var s in list)
        {
            if (string.IsNullOrEmpty(s))
                throw new ArgumentException("a mailbox path segment is empty", nameof(segments));
            if (s.Any(char.IsControl))
                throw new ArgumentException($"mailbox path segment '{s}' holds a control character", nameof(segments));
        }
        if (list[0].Equals(InboxName, StringComparison.OrdinalIgnoreCase)) list[0] = InboxName;
        return new MailboxPath(list);
    }

    /// <summary>Parses <c>Remote/Work/2024</c>; a leading, trailing or doubled delimiter is an error.</summary>
    /// <exception cref="ArgumentException">The name is empty or has an empty segment.</exception>
    public static MailboxPath Parse(string name, char delimiter = DefaultDelimiter)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new ArgumentException("a mailbox name is empty", nameof(name));
        try { return FromSegments(name.Split(delimiter)); }
        catch (ArgumentException e) { throw new ArgumentException($"mailbox name '{name}': {e.Message}", nameof(name), e); }
    }

    public MailboxPath Child(string segment) => FromSegments([.. _segments, segment]);

    /// <summary>The name with <paramref name="delimiter"/> between segments.</summary>
    public string ToString(char delimiter) => string.Join(delimiter, _segments);

    public override string ToString() => ToString(DefaultDelimiter);

    public bool Equals(MailboxPath? other) =>
        other is not null && _segments.AsSpan().SequenceEqual(other._segments);

    public override bool Equals(object? obj) => Equals(obj as MailboxPath);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var s in _segments) h.Add(s, StringComparer.Ordinal);
        return h.ToHashCode();
    }

    public static bool operator ==(MailboxPath? a, MailboxPath? b) => a?.Equals(b) ?? b is null;
    public static bool operator !=(MailboxPath? a, MailboxPath? b) => !(a == b);
}
