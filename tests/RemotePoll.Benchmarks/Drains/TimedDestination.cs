using System.Diagnostics;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rpop;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>The drain's destination, timed: how long delivery (writing plus its durability barrier) took in all.</summary>
internal sealed class TimedDestination(IMessageDestination inner) : IMessageDestination
{
    private long _ticks;

    public TimeSpan Time => Stopwatch.GetElapsedTime(0, _ticks);

    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.DeliverAsync(messages, cancellationToken);
        }
        finally
        {
            _ticks += Stopwatch.GetTimestamp() - started;
        }
    }
}
