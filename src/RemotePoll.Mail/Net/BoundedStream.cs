namespace RemotePoll.Mail.Net;

/// <summary>Which bound a hostile or broken server overran.</summary>
internal enum StreamBound
{
    LineLength,
    ByteBudget,
}

/// <summary>Thrown by <see cref="BoundedStream"/> when the server sends more than a bound allows.</summary>
internal sealed class StreamBoundExceededException(StreamBound bound, long limit)
    : IOException(bound == StreamBound.LineLength
        ? $"the server sent a line longer than {limit} bytes"
        : $"the server sent more than {limit} bytes for the request")
{
    public StreamBound Bound { get; } = bound;
    public long Limit { get; } = limit;
}

/// <summary>
/// The plaintext connection as MailKit reads it, with every read bounded: a silence longer than
/// <see cref="ReadTimeout"/> fails the read (MailKit sets it from the client's Timeout), a line longer than
/// <see cref="MaxLineLength"/> or more bytes than <see cref="ByteBudget"/> fails it too, so a server that
/// streams an endless line or an endless message cannot exhaust memory. It also records how the
/// connection ended, which MailKit reports only as a generic protocol error.
/// </summary>
internal sealed class BoundedStream(Stream inner) : Stream
{
    private long _sinceNewline;
    private int _readTimeout = Timeout.Infinite;
    private int _writeTimeout = Timeout.Infinite;

    /// <summary>The longest run of bytes without a line feed that the server may send.</summary>
    public long MaxLineLength { get; set; } = 64 * 1024;

    /// <summary>Bytes the server may still send; null means no budget.</summary>
    public long? ByteBudget { get; private set; }

    private long _budgetLimit;

    /// <summary>The server closed the connection (a read returned 0 bytes).</summary>
    public bool EndOfStreamSeen { get; private set; }

    /// <summary>A read or write failed, timed out or overran a bound.</summary>
    public bool FailureSeen { get; private set; }

    public void SetBudget(long? bytes)
    {
        ByteBudget = bytes;
        _budgetLimit = bytes ?? 0;
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override bool CanTimeout => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int ReadTimeout
    {
        get => _readTimeout;
        set => _readTimeout = value;
    }

    public override int WriteTimeout
    {
        get => _writeTimeout;
        set => _writeTimeout = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // MailKit's sync paths are not used by the session; kept correct for completeness.
        var array = new byte[buffer.Length];
        var n = ReadAsync(array.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        array.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        using (var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            if (_readTimeout > 0) silence.CancelAfter(_readTimeout);
            try
            {
                n = await inner.ReadAsync(buffer, silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                FailureSeen = true;
                throw new TimeoutException($"the server sent nothing for {_readTimeout} ms");
            }
            catch
            {
                FailureSeen = true;
                throw;
            }
        }
        if (n == 0)
        {
            EndOfStreamSeen = true;
            return 0;
        }
        Account(buffer.Span[..n]);
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_writeTimeout > 0) stall.CancelAfter(_writeTimeout);
        try
        {
            await inner.WriteAsync(buffer, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            FailureSeen = true;
            throw new TimeoutException($"the server accepted nothing for {_writeTimeout} ms");
        }
        catch
        {
            FailureSeen = true;
            throw;
        }
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        var lastLf = data.LastIndexOf((byte)'\n');
        _sinceNewline = lastLf < 0 ? _sinceNewline + data.Length : data.Length - lastLf - 1;
        if (_sinceNewline > MaxLineLength)
        {
            FailureSeen = true;
            throw new StreamBoundExceededException(StreamBound.LineLength, MaxLineLength);
        }
        if (ByteBudget is { } left)
        {
            left -= data.Length;
            ByteBudget = left;
            if (left < 0)
            {
                FailureSeen = true;
                throw new StreamBoundExceededException(StreamBound.ByteBudget, _budgetLimit);
            }
        }
    }
}
