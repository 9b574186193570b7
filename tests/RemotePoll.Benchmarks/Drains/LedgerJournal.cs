using System.Diagnostics;
using System.Text;
using RemotePoll.Core.Ledgers;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// The drain's commit callback without a node: the ledger kept in memory, and optionally each change appended to a
/// file and fsynced before the drain may go on, which is what the SQLite journal (WAL, synchronous FULL) costs per
/// batch on the node.
/// </summary>
internal sealed class LedgerJournal(string? file) : IDisposable
{
    private readonly FileStream? _stream = file is null ? null
        : new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    private long _ticks;

    public UidLedger Ledger { get; private set; } = UidLedger.Empty;
    public int Commits { get; private set; }
    public TimeSpan Time => Stopwatch.GetElapsedTime(0, _ticks);

    public Task CommitAsync(LedgerChange change, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (_stream is not null)
        {
            var text = new StringBuilder();
            foreach (var uid in change.Delivered) text.Append("D ").Append(uid).Append('\n');
            foreach (var uid in change.Rejected) text.Append("R ").Append(uid).Append('\n');
            foreach (var uid in change.Removed) text.Append("X ").Append(uid).Append('\n');
            Append(text.ToString());
        }
        Ledger = Ledger.Apply(change);
        Commits++;
        _ticks += Stopwatch.GetTimestamp() - started;
        return Task.CompletedTask;
    }

    /// <summary>The in-flight marks before a batch is delivered: appended and fsynced like a commit, or kept in memory.</summary>
    public Task MarkAsync(IReadOnlyList<InFlightDelivery> started, CancellationToken cancellationToken)
    {
        var begun = Stopwatch.GetTimestamp();
        Append(string.Concat(started.Select(d => $"F {d.Uid} {d.Id}\n")));
        _ticks += Stopwatch.GetTimestamp() - begun;
        return Task.CompletedTask;
    }

    private void Append(string text)
    {
        if (_stream is null) return;
        _stream.Write(Encoding.ASCII.GetBytes(text));
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream?.Dispose();
}
