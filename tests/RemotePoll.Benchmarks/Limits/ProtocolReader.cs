namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The buffered reader of the minimal clients: CRLF lines and literals straight out of one buffer, no copies but
/// the one into the message. A line is a slice of the buffer, valid until the next read.
/// </summary>
internal sealed class ProtocolReader(Stream stream)
{
    private const int MaxBuffer = 4 * 1024 * 1024;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next line, CRLF included.</summary>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var lf = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, scanned + lf + 1);
                _start += scanned + lf + 1;
                return line;
            }
            scanned = _end - _start;
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads exactly <paramref name="destination"/>'s length.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(_end - _start, destination.Length);
        _buffer.AsMemory(_start, buffered).CopyTo(destination);
        _start += buffered;
        if (buffered < destination.Length)
            await stream.ReadExactlyAsync(destination[buffered..], cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxBuffer) throw new InvalidDataException($"a line longer than {MaxBuffer} bytes");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new EndOfStreamException("the server closed the connection");
        _end += n;
    }
}
