using System.Text;

namespace RemotePoll.Benchmarks;

/// <summary>
/// The mail every case fetches: distinct messages of exactly the asked size, CRLF lines of at most 78 characters,
/// a Return-Path (the queue path turns it into the envelope sender), and no line starting with a dot, so the
/// bytes on the wire are the bytes on disk.
/// </summary>
internal static class Corpus
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789      ";

    public static IEnumerable<byte[]> Messages(string tag, int count, int size)
    {
        for (var n = 1; n <= count; n++) yield return Message(tag, n, size);
    }

    public static byte[] Message(string tag, int n, int size)
    {
        var header = FormattableString.Invariant(
            $"Return-Path: <sender{n}@remote.example>\r\nFrom: Sender {n} <sender{n}@remote.example>\r\nTo: <owner@remote.example>\r\nSubject: benchmark {tag} message {n}\r\nMessage-ID: <{tag}.{n}@remote.example>\r\nDate: Mon, 2 Jun 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        var random = new Random(n);
        var text = new StringBuilder(size + 80).Append(header);
        while (text.Length < size)
        {
            var room = size - text.Length - 2;
            if (room <= 0) { text.Length = size - 2; text.Append("\r\n"); break; }
            var length = Math.Min(76, room);
            for (var i = 0; i < length; i++) text.Append(i == 0 ? 'x' : Alphabet[random.Next(Alphabet.Length)]);
            text.Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
