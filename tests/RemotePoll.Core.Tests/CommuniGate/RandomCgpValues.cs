using System.Net;
using System.Text;
using RemotePoll.Core.CommuniGate;

namespace RemotePoll.Core.Tests.CommuniGate;

/// <summary>Random values of every kind, from a seeded generator so that a failure can be replayed.</summary>
internal sealed class RandomCgpValues(int seed)
{
    // Atom characters, the format's own punctuation, whitespace, controls, and non-ASCII text up to emoji.
    private static readonly string[] TextPieces =
    [
        "a", "Z", "7", ".", "_", "-", "@", "\"", "\\", "{", "}", "(", ")", "[", "]", "<", "=", ";", ",", "#",
        " ", "\t", "\r", "\n", "\u0001", "\u001F", "\u007F", "\u0085", "é", "日", "\u2028", "🦆", "\U0001F600",
    ];

    private readonly Random random = new(seed);

    public CgpValue Next(int depth = 0) =>
        random.Next(depth >= 5 ? 6 : 8) switch
        {
            0 => new CgpString(NextText()),
            1 => new CgpNumber(NextNumber()),
            2 => new CgpData(NextBytes()),
            3 => NextTimestamp(),
            4 => NextIpAddress(),
            5 => CgpNull.Instance,
            6 => new CgpArray(Enumerable.Range(0, random.Next(5)).Select(_ => Next(depth + 1)).ToList()),
            _ => NextDictionary(depth),
        };

    private CgpDictionary NextDictionary(int depth)
    {
        var entries = new Dictionary<string, CgpValue>(StringComparer.Ordinal);
        for (var i = random.Next(5); i > 0; i--) entries.TryAdd(NextText(), Next(depth + 1));
        return new CgpDictionary(entries);
    }

    private string NextText()
    {
        if (random.Next(3) == 0) return random.Next(2) == 0 ? "YES" : "INBOX" + random.Next(100);
        var text = new StringBuilder();
        for (var i = random.Next(12); i > 0; i--) text.Append(TextPieces[random.Next(TextPieces.Length)]);
        return text.ToString();
    }

    private long NextNumber() =>
        random.Next(4) switch
        {
            0 => long.MinValue,
            1 => long.MaxValue,
            2 => random.Next(-1000, 1000),
            _ => random.NextInt64(long.MinValue, long.MaxValue),
        };

    private byte[] NextBytes()
    {
        var bytes = new byte[random.Next(10)];
        random.NextBytes(bytes);
        return bytes;
    }

    private CgpTimestamp NextTimestamp() =>
        random.Next(6) switch
        {
            0 => CgpTimestamp.Past,
            1 => CgpTimestamp.Future,
            _ => new CgpTimestamp(new DateTimeOffset(random.NextInt64(DateTimeOffset.MinValue.Ticks, DateTimeOffset.MaxValue.Ticks), TimeSpan.Zero)),
        };

    private CgpIpAddress NextIpAddress()
    {
        var bytes = new byte[random.Next(2) == 0 ? 4 : 16];
        random.NextBytes(bytes);
        return new CgpIpAddress(new IPAddress(bytes), random.Next(2) == 0 ? null : random.Next(65536));
    }
}
