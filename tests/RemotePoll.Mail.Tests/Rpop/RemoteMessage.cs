using System.Text;
using System.Text.RegularExpressions;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// A message as it sits in the remote mailbox, and what it must look like after queue delivery: without its
/// Return-Path fields, whose first address is the envelope sender. Built by hand so the expectation does not
/// depend on the code under test.
/// </summary>
internal sealed partial record RemoteMessage(string Id, byte[] Raw, byte[] WithoutReturnPath, string? Sender)
{
    /// <param name="returnPath">The Return-Path value ("&lt;a@b&gt;", "&lt;&gt;"), or null for none.</param>
    /// <param name="size">Pads the body with 70-character lines up to about this many bytes.</param>
    public static RemoteMessage Create(string id, string? returnPath = null, int size = 0)
    {
        var head = $"Received: from mx.remote.example by pop.remote.example; Mon, 1 Jan 2024 00:00:00 +0000\r\n" +
                   $"From: sender@remote.example\r\nTo: joe@remote.example\r\nSubject: {id}\r\nMessage-ID: <{id}@remote.example>\r\n";
        var body = new StringBuilder($"Body of {id}.\r\n.a line that starts with a dot\r\n");
        var line = new string((char)('a' + id.Length % 26), 68) + "\r\n";
        while (head.Length + body.Length + 2 < size) body.Append(line);
        var without = head + "\r\n" + body;
        // Return-Path first, as a delivery agent writes it; a second, folded one further down must go too.
        var raw = returnPath is null ? without
            : $"Return-Path: {returnPath}\r\n" + head + "X-Note: resent\r\nReturn-Path:\r\n <other@remote.example>\r\n\r\n" + body;
        var stripped = returnPath is null ? without : head + "X-Note: resent\r\n\r\n" + body;
        var sender = returnPath?.Trim('<', '>');
        return new RemoteMessage(id, Encoding.ASCII.GetBytes(raw), Encoding.ASCII.GetBytes(stripped), sender);
    }

    /// <summary>What the Maildir "queue" stores: its delivery header over the message without Return-Path.</summary>
    public string QueuedAs(string account) => $"Return-Path: <{Sender}>\r\nDelivered-To: <{account}>\r\n" + Encoding.ASCII.GetString(WithoutReturnPath);

    /// <summary>The id in the Message-ID field of a stored message.</summary>
    public static string IdOf(string stored) => MessageIdField().Match(stored) is { Success: true } m ? m.Groups[1].Value : "";

    public static string IdOf(byte[] stored) => IdOf(Encoding.ASCII.GetString(stored));

    [GeneratedRegex(@"(?im)^Message-ID:\s*<([^@>]+)@")]
    private static partial Regex MessageIdField();
}
