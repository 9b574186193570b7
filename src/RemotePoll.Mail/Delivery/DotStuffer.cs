namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Turns message bytes into SMTP DATA: CRLF line ends (a bare LF or bare CR becomes CRLF), a '.' doubled at
/// the start of a line (RFC 5321 4.5.2), and a last line ended with CRLF. The final "." line is the caller's.
/// </summary>
internal struct DotStuffer
{
    private bool _midLine;
    private byte _previous;

    /// <summary>Encodes <paramref name="input"/> into <paramref name="output"/> (4 × its length at least).</summary>
    public int Encode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var n = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (_previous != '\r' && b != '\r' && b != '\n' && (_midLine || b != '.'))
            {
                // The rest of the line up to its CR or LF needs nothing: copied as one block (a 200 KB message is
                // a few thousand such copies, not 200,000 trips through the checks below).
                var rest = input[i..];
                var run = rest.IndexOfAny((byte)'\r', (byte)'\n');
                if (run < 0) run = rest.Length;
                rest[..run].CopyTo(output[n..]);
                n += run;
                i += run - 1;
                _previous = rest[run - 1];
                _midLine = true;
                continue;
            }
            if (_previous == '\r' && b != '\n')
            {
                output[n++] = (byte)'\n';
                _midLine = false;
            }
            if (!_midLine && b == '.') output[n++] = (byte)'.';
            if (b == '\n' && _previous != '\r') output[n++] = (byte)'\r';
            output[n++] = b;
            _midLine = b != '\n';
            _previous = b;
        }
        return n;
    }

    /// <summary>Ends the last line if it is open; returns the bytes written.</summary>
    public int Finish(Span<byte> output)
    {
        if (_previous == '\r') { output[0] = (byte)'\n'; _previous = (byte)'\n'; _midLine = false; return 1; }
        if (!_midLine) return 0;
        output[0] = (byte)'\r';
        output[1] = (byte)'\n';
        _midLine = false;
        return 2;
    }
}
