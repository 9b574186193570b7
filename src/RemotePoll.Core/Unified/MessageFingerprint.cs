using System.Security.Cryptography;
using System.Text;
using RemotePoll.Core.Envelope;

namespace RemotePoll.Core.Unified;

/// <summary>
/// Recognises copies of one message: its Message-ID plus a hash of the normalised header. Copies a provider stores
/// once per local recipient differ in the trace fields it adds (Received, Delivered-To, X-Real-To, Return-Path), so
/// the hash covers only the fields the author wrote, unfolded, with whitespace collapsed and names lower-cased.
/// </summary>
public static class MessageFingerprint
{
    private static readonly string[] AuthorFields = ["message-id", "from", "sender", "to", "cc", "date", "subject", "in-reply-to"];

    /// <summary>The fingerprint, or null when the message has no Message-ID (such messages are never suppressed as duplicates).</summary>
    public static string? Of(ReadOnlySpan<byte> message)
    {
        var fields = HeaderBlock.Fields(message);
        var messageId = fields.FirstOrDefault(f => f.Name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase));
        if (messageId.Name is null) return null;
        var id = Normalise(HeaderBlock.Value(message, messageId.Range));
        if (id.Length == 0) return null;
        var text = new StringBuilder();
        foreach (var name in AuthorFields)
            foreach (var f in fields.Where(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                text.Append(name).Append(':').Append(Normalise(HeaderBlock.Value(message, f.Range))).Append('\n');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
        return $"{id}/{hash}";
    }

    /// <summary>The duplicate key of a fingerprinted message for one recipient.</summary>
    public static string Key(string fingerprint, string recipient) => $"{fingerprint}/{recipient.ToLowerInvariant()}";

    private static string Normalise(string value) => string.Join(' ', value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
