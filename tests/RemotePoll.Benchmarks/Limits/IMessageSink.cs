namespace RemotePoll.Benchmarks.Limits;

/// <summary>Where a minimal client hands each message it received: files on a disk, or another minimal client.</summary>
internal interface IMessageSink
{
    /// <summary>One message, whole; the span is only valid during the call.</summary>
    void Write(ReadOnlySpan<byte> message);

    /// <summary>No more messages come.</summary>
    void Finish();
}
