using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// <see cref="DotStuffer"/> (which copies the plain part of each line as one block) against a reference written from the
/// rules alone: every line end becomes CRLF, a line starting with '.' gets another, the last line is ended; whatever the
/// chunks the input is cut into.
/// </summary>
public sealed class DotStufferTests
{
    private static byte[] Reference(byte[] input)
    {
        // Split into lines at CRLF, bare CR or bare LF; then write each line dot-stuffed with CRLF.
        var output = new List<byte>();
        var line = new List<byte>();
        var open = false;
        void End()
        {
            if (line.Count > 0 && line[0] == '.') output.Add((byte)'.');
            output.AddRange(line);
            output.Add((byte)'\r');
            output.Add((byte)'\n');
            line.Clear();
            open = false;
        }
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == '\r') { End(); if (i + 1 < input.Length && input[i + 1] == '\n') i++; }
            else if (input[i] == '\n') End();
            else { line.Add(input[i]); open = true; }
        }
        if (open) End();
        return [.. output];
    }

    private static byte[] Encode(byte[] input, IEnumerable<int> cuts)
    {
        var stuffer = new DotStuffer();
        var output = new List<byte>();
        var at = 0;
        foreach (var end in cuts.Append(input.Length))
        {
            var buffer = new byte[(end - at) * 4 + 4];
            var n = stuffer.Encode(input.AsSpan(at, end - at), buffer);
            output.AddRange(buffer[..n]);
            at = end;
        }
        var tail = new byte[4];
        output.AddRange(tail[..stuffer.Finish(tail)]);
        return [.. output];
    }

    [Theory]
    [InlineData("plain line\r\n.dot\r\n..two\r\nbare lf\nbare cr\rend", "plain line\r\n..dot\r\n...two\r\nbare lf\r\nbare cr\r\nend\r\n")]
    [InlineData(".", "..\r\n")]
    [InlineData("\r\r\n\n.\r", "\r\n\r\n\r\n..\r\n")]
    [InlineData("", "")]
    public void Known_cases(string input, string expected)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(input);
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(Encode(bytes, [])));
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(Encode(bytes, Enumerable.Range(1, Math.Max(0, bytes.Length - 1)))));
    }

    [Fact]
    public void Random_input_cut_anywhere_matches_the_reference()
    {
        var random = new Random(18);
        byte[] alphabet = [(byte)'\r', (byte)'\n', (byte)'.', (byte)'a', (byte)'b', (byte)' ', 0xC3, 0x00];
        for (var round = 0; round < 2000; round++)
        {
            var input = new byte[random.Next(0, 300)];
            for (var i = 0; i < input.Length; i++)
                input[i] = random.Next(3) == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)random.Next(32, 127);
            var cuts = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(0, input.Length + 1)).Order().ToList();
            Assert.Equal(Reference(input), Encode(input, cuts));
        }
    }
}
