using System.Globalization;
using System.Text;

namespace RemotePoll.Mail.Delivery;

/// <summary>Reads SMTP-style replies from a stream, with a bound on line length and on lines per reply.</summary>
internal sealed class ReplyReader(Stream stream, int maxLineLength, int maxReplyLines)
{
    private readonly byte[] _buffer = new byte[Math.Max(4096, maxLineLength + 2)];
    private int _start;
    private int _end;

    public async ValueTask<LmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var code = -1;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var c)
                || c < 100 || (line.Length > 3 && line[3] is not (' ' or '-')))
                throw new LmtpProtocolException("malformed reply line", line);
            if (code >= 0 && c != code)
                throw new LmtpProtocolException($"reply line with code {c} inside a {code} reply", line);
            code = c;
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ') return new LmtpReply(code, lines);
            if (lines.Count >= maxReplyLines)
                throw new LmtpProtocolException($"reply has more than {maxReplyLines} lines", line);
        }
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = _start;
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
            if (lf >= 0)
            {
                var length = lf - _start;
                if (length > 0 && _buffer[lf - 1] == '\r') length--;
                if (length > maxLineLength)
                    throw new LmtpProtocolException($"reply line longer than {maxLineLength} characters", Encoding.UTF8.GetString(_buffer, _start, Math.Min(200, _end - _start)));
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = lf + 1;
                return line;
            }
            if (_end - _start > maxLineLength + 1)
                throw new LmtpProtocolException($"reply line longer than {maxLineLength} characters", Encoding.UTF8.GetString(_buffer, _start, Math.Min(200, _end - _start)));
            if (_end == _buffer.Length)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            scanned = _end;
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new IOException("the server closed the connection");
            _end += n;
        }
    }
}
