using System.Text;
using MimeKit;
using RemotePoll.Core.Envelope;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Unified;

/// <summary>
/// Recomposes the envelope of a message from a Unified Domain-Wide Account (spec, Unified Domain-Wide Accounts).
/// Special = a header name: every address in every occurrence of that field; the field is removed once its
/// addresses are used (kept when it yields none, so the postmaster copy shows what was there). Special = "*": the
/// addresses of To, Cc and Bcc, for the caller to sort; nothing is removed. Addresses are read by MimeKit; a field
/// that does not parse as a whole is read item by item, so one bad item does not hide the good ones.
/// </summary>
public static class UnifiedEnvelope
{
    private static readonly string[] StarFields = ["To", "Cc", "Bcc"];

    private static readonly ParserOptions Parser = CreateParser();

    public static UnifiedMessage Recompose(byte[] raw, string special)
    {
        var (sender, message) = ReturnPath.Extract(raw);
        var star = special == SpecialHeader.FromRecipientHeaders;
        var fields = HeaderBlock.Fields(message)
            .Where(f => star ? StarFields.Contains(f.Name, StringComparer.OrdinalIgnoreCase) : f.Name.Equals(special, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var addresses = new List<string>();
        var malformed = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, range) in fields)
        {
            var (found, bad) = Read(ValueBytes(message, range));
            foreach (var a in found.Where(seen.Add)) addresses.Add(a);
            malformed.AddRange(bad);
        }
        var content = !star && addresses.Count > 0 ? HeaderBlock.Without(message, fields.Select(f => f.Range)) : message;
        return new UnifiedMessage(sender, content, addresses, malformed);
    }

    /// <summary>The addresses of one field value, and the items that are not addresses.</summary>
    public static (IReadOnlyList<string> Addresses, IReadOnlyList<string> Malformed) Read(byte[] value)
    {
        var addresses = new List<string>();
        var malformed = new List<string>();
        if (InternetAddressList.TryParse(Parser, value, out var list))
        {
            Collect(list, addresses, malformed);
            return (addresses, malformed);
        }
        // The whole field did not parse: salvage item by item (a comma inside quotes may split an item; the halves
        // then fail and are reported, never guessed at).
        foreach (var item in Encoding.UTF8.GetString(value).Split(','))
        {
            var text = item.Trim();
            if (text.Length == 0) continue;
            if (InternetAddressList.TryParse(Parser, text, out var one)) Collect(one, addresses, malformed);
            else malformed.Add(Shorten(text));
        }
        return (addresses, malformed);
    }

    private static void Collect(InternetAddressList list, List<string> addresses, List<string> malformed)
    {
        foreach (var mailbox in list.Mailboxes)
        {
            var address = mailbox.Address;
            if (AddressParts.TrySplit(address, out _, out _, out _)) addresses.Add(address);
            else malformed.Add(Shorten(address));
        }
    }

    private static byte[] ValueBytes(ReadOnlySpan<byte> message, Range field)
    {
        var raw = message[field];
        return raw[(raw.IndexOf((byte)':') + 1)..].ToArray();
    }

    private static string Shorten(string text)
    {
        var flat = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return flat.Length > 80 ? flat[..80] + "..." : flat;
    }

    private static ParserOptions CreateParser()
    {
        var options = ParserOptions.Default.Clone();
        options.AllowAddressesWithoutDomain = false;
        options.AddressParserComplianceMode = RfcComplianceMode.Loose;
        return options;
    }
}
