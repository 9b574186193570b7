using System.Threading.Channels;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The messages a minimal POP3 client receives, handed as they arrive to minimal LMTP sessions (no batches, no
/// barrier): the least a drain from POP3 into LMTP can do, with both sides of Dovecot busy at once on this machine.
/// </summary>
internal sealed class RelaySink : IMessageSink
{
    private readonly Channel<byte[]> _messages = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleWriter = true });

    public ChannelReader<byte[]> Reader => _messages.Reader;

    public long Bytes { get; private set; }

    public void Write(ReadOnlySpan<byte> message)
    {
        Bytes += message.Length;
        _messages.Writer.TryWrite(message.ToArray());
    }

    public void Finish() => _messages.Writer.TryComplete();
}
