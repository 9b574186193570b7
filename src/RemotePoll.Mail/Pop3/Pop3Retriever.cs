using System.Text;
using RemotePoll.Mail.Net;

namespace RemotePoll.Mail.Pop3;

/// <summary>What one RETR brought: the message (null when refused or over the limit), its length, the refusal.</summary>
internal readonly record struct Pop3Retrieved(byte[]? Data, long Length, string? Refusal);

/// <summary>
/// RETR for <see cref="Pop3Session"/>, on the session's plaintext stream while MailKit's client is idle between
/// commands. MailKit un-stuffs the multi-line answer one byte at a time and copies it into a memory stream: with
/// large messages that was most of the drain's CPU (profiled: 200 × 200 KB). Here the answer is read in 64 KB
/// chunks, searched for <c>CRLF "."</c> with the vectorised span search, and copied in runs straight into the
/// message's array. Un-stuffing follows RFC 1939 §3 as MailKit does: ".." at a line start gives ".", a line
/// "." (also a bare-LF ".\n") ends the answer, any other dot is kept. Every read goes through the session's
/// <see cref="BoundedStream"/> (timeouts, line length, byte budget). The protocol log gets the commands and status
/// lines, and for the message data only its size: mail content never reaches a log.
/// </summary>
internal sealed class Pop3Retriever(Stream stream, Pop3Transcript transcript)
{
    /// <summary>The buffer, and the longest status line accepted.</summary>
    public const int BufferSize = 64 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    /// <summary>
    /// Sends RETR for every index (in one write when <paramref name="pipelined"/>) and reads the answers in order.
    /// A message longer than <paramref name="max"/> is read to its end and returned without data.
    /// </summary>
    /// <exception cref="IOException">The connection failed or closed, or a bound of the stream was overrun.</exception>
    /// <exception cref="FormatException">An answer was neither +OK nor -ERR, or data followed the last answer.</exception>
    public async Task<Pop3Retrieved[]> RetrieveAsync(IReadOnlyList<int> indexes, IReadOnlyList<long> sizes, long max, bool pipelined,
        CancellationToken cancellationToken)
    {
        var results = new Pop3Retrieved[indexes.Count];
        if (pipelined) await SendAsync(indexes, cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < indexes.Count; k++)
        {
            if (!pipelined) await SendAsync([indexes[k]], cancellationToken).ConfigureAwait(false);
            var status = await ReadStatusLineAsync(cancellationToken).ConfigureAwait(false);
            if (status.StartsWith("-ERR", StringComparison.OrdinalIgnoreCase))
                results[k] = new Pop3Retrieved(null, 0, status);
            else if (status.StartsWith("+OK", StringComparison.OrdinalIgnoreCase))
                results[k] = await ReadMessageAsync(sizes[indexes[k]], max, cancellationToken).ConfigureAwait(false);
            else
                // Not quoted: out of step, this line may well be mail content.
                throw new FormatException($"the answer to RETR {indexes[k] + 1} was neither +OK nor -ERR ({status.Length} characters)");
        }
        // The client reads the next answer from the stream itself: nothing may be left over in this buffer.
        if (_end > _start)
            throw new FormatException($"the server sent {_end - _start} bytes after the last answer");
        return results;
    }

    private async Task SendAsync(IEnumerable<int> indexes, CancellationToken cancellationToken)
    {
        var command = Encoding.ASCII.GetBytes(string.Concat(indexes.Select(i => $"RETR {i + 1}\r\n")));
        transcript.LogClient(command, 0, command.Length);
        await stream.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ReadStatusLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, lf).TrimEnd('\r');
                transcript.LogServerLine(line);
                _start += lf + 1;
                return line;
            }
            if (_end - _start == BufferSize) throw new StreamBoundExceededException(StreamBound.LineLength, BufferSize);
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The multi-line data of one answer, un-stuffed, up to and without its terminating line.</summary>
    private async Task<Pop3Retrieved> ReadMessageAsync(long listed, long max, CancellationToken cancellationToken)
    {
        var message = new MessageBuffer(listed, max);
        var lineStart = true;
        while (true)
        {
            if (lineStart)
            {
                if (await AtTerminatorAsync(cancellationToken).ConfigureAwait(false))
                {
                    var retrieved = message.Finish();
                    transcript.LogServerLine($"({retrieved.Length} octets of message data, not logged)");
                    transcript.LogServerLine(".");
                    return retrieved;
                }
                lineStart = false;
            }
            if (_start == _end) await FillAsync(cancellationToken).ConfigureAwait(false);
            var data = _buffer.AsSpan(_start, _end - _start);
            // A dot can only matter right after a line feed: copy everything up to the next LF ".".
            var dot = data.IndexOf("\n."u8);
            var run = dot < 0 ? data : data[..(dot + 1)];
            message.Append(run);
            _start += run.Length;
            lineStart = run[^1] == (byte)'\n';
        }
    }

    /// <summary>
    /// At a line start: true (and consumed) on the terminating line; a stuffed dot is dropped. Reads only as much
    /// as it needs to decide.
    /// </summary>
    private async Task<bool> AtTerminatorAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var n = _end - _start;
            if (n >= 1 && _buffer[_start] != (byte)'.') return false;
            if (n >= 2)
            {
                var second = _buffer[_start + 1];
                if (second == (byte)'\n') { _start += 2; return true; }
                if (second == (byte)'.') { _start += 1; return false; }
                if (second != (byte)'\r') return false;
            }
            if (n >= 3)
            {
                if (_buffer[_start + 2] != (byte)'\n') return false;
                _start += 3;
                return true;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end) _start = _end = 0;
        else if (_end == BufferSize)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new IOException("the server closed the connection in the middle of an answer");
        _end += n;
    }

    /// <summary>The message's array, sized by LIST; grown or trimmed only when the server's size was wrong.</summary>
    private sealed class MessageBuffer(long listed, long limit)
    {
        // More than one array can hold is over any limit.
        private readonly long _max = Math.Min(limit, Array.MaxLength);
        // Every byte is written before it is read: no need to zero 200 KB first.
        private byte[] _data = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(listed, 0, Math.Min(limit, Array.MaxLength)));
        private long _length;

        public void Append(ReadOnlySpan<byte> run)
        {
            var length = _length + run.Length;
            if (length <= _max)
            {
                if (length > _data.Length)
                    Array.Resize(ref _data, (int)Math.Min(_max, Math.Max(length, Math.Max(4096, 2L * _data.Length))));
                run.CopyTo(_data.AsSpan((int)_length));
            }
            _length = length;
        }

        public Pop3Retrieved Finish()
        {
            if (_length > _max) return new Pop3Retrieved(null, _length, null);
            if (_length != _data.Length) Array.Resize(ref _data, (int)_length);
            return new Pop3Retrieved(_data, _length, null);
        }
    }
}
