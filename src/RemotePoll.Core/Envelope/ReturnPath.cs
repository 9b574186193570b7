namespace RemotePoll.Core.Envelope;

/// <summary>
/// Spec, Unified Domain-Wide Accounts: "If the message contains the Return-Path header field, the address in that
/// field is placed in the new envelope as the sender's address, and the header field is removed from the message
/// (it will be recreated when the message is delivered to its final destination)." Used for every queue delivery.
/// </summary>
public static class ReturnPath
{
    /// <summary>
    /// The envelope sender from the first Return-Path field ("" for the null sender &lt;&gt;, null when there is
    /// none or it is unreadable) and the message with every Return-Path field removed.
    /// </summary>
    public static (string? Sender, byte[] Message) Extract(ReadOnlySpan<byte> message)
    {
        var fields = Fields(message);
        if (fields.Count == 0) return (null, message.ToArray());
        return (Parse(HeaderBlock.Value(message, fields[0])), HeaderBlock.Without(message, fields));
    }

    /// <summary>
    /// As <see cref="Extract(ReadOnlySpan{byte})"/>, but the message that comes back shares
    /// <paramref name="message"/>'s memory when nothing or only the fields at its very start (where final delivery
    /// writes Return-Path) are removed: no copy of a large message for every queue delivery.
    /// </summary>
    public static (string? Sender, ReadOnlyMemory<byte> Message) ExtractShared(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        var fields = Fields(span);
        if (fields.Count == 0) return (null, message);
        var sender = Parse(HeaderBlock.Value(span, fields[0]));
        var total = span.Length;
        var prefix = 0;
        foreach (var (offset, length) in fields.Select(f => f.GetOffsetAndLength(total)).OrderBy(f => f.Offset))
        {
            if (offset != prefix) return (sender, HeaderBlock.Without(span, fields));
            prefix += length;
        }
        return (sender, message[prefix..]);
    }

    private static List<Range> Fields(ReadOnlySpan<byte> message) =>
        HeaderBlock.Fields(message).Where(f => f.Name.Equals("Return-Path", StringComparison.OrdinalIgnoreCase)).Select(f => f.Range).ToList();

    /// <summary>The address in &lt;...&gt; (or a bare address); null when it is not one.</summary>
    public static string? Parse(string value)
    {
        var v = value.Trim();
        var lt = v.IndexOf('<');
        if (lt >= 0)
        {
            var gt = v.IndexOf('>', lt + 1);
            if (gt < 0) return null;
            v = v[(lt + 1)..gt].Trim();
            if (v.Length == 0) return "";
        }
        if (v.Length > 254 || v.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>')) return null;
        var at = v.LastIndexOf('@');
        return at > 0 && at < v.Length - 1 ? v : null;
    }
}
