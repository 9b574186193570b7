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
        var fields = HeaderBlock.Fields(message).Where(f => f.Name.Equals("Return-Path", StringComparison.OrdinalIgnoreCase)).ToList();
        if (fields.Count == 0) return (null, message.ToArray());
        var sender = Parse(HeaderBlock.Value(message, fields[0].Range));
        return (sender, HeaderBlock.Without(message, fields.Select(f => f.Range)));
    }

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
