using System.Text;

namespace RemotePoll.Mail.Net;

/// <summary>
/// Masks a password in server texts (answers quoted in errors, the protocol log) in every form it was sent in: as it
/// is, as an IMAP quoted string (<c>\"</c> and <c>\\</c> escapes), as its UTF-8 octets read as Latin-1 (how a POP3
/// line is decoded), and inside base64 (SASL PLAIN, LOGIN, XOAUTH2 responses a server may echo): at each of the three
/// alignments base64 can give it, the run of base64 characters that depends on the password's octets alone.
/// </summary>
public sealed class PasswordRedaction
{
    public const string Mask = "********";

    // Shorter base64 runs would mask ordinary words by chance.
    private const int MinBase64Run = 6;

    private readonly string[] _forms;

    public PasswordRedaction(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0)
        {
            _forms = [];
            return;
        }
        var utf8 = Encoding.UTF8.GetBytes(password);
        var latin1 = Encoding.Latin1.GetString(utf8);
        var forms = new List<string> { password, Quoted(password), latin1, Quoted(latin1) };
        for (var offset = 0; offset < 3; offset++)
        {
            var encoded = Convert.ToBase64String([.. new byte[offset], .. utf8]);
            // Characters that mix in the bits of what comes before (offset) or after (the last partial group) vary.
            var skip = offset == 0 ? 0 : offset + 1;
            var end = 8 * (offset + utf8.Length) / 6;
            if (end - skip >= MinBase64Run) forms.Add(encoded[skip..end]);
        }
        _forms = [.. forms.Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length)];
    }

    /// <summary>The text with every form of the password replaced by <see cref="Mask"/>.</summary>
    public string Redact(string text)
    {
        foreach (var form in _forms)
            if (text.Contains(form, StringComparison.Ordinal))
                text = text.Replace(form, Mask, StringComparison.Ordinal);
        return text;
    }

    private static string Quoted(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
