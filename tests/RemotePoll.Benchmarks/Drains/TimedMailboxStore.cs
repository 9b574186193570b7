using System.Diagnostics;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>The mirror's store, timed: appends (writing plus the durability barrier) apart from the folder calls.</summary>
internal sealed class TimedMailboxStore(IMailboxStore inner) : IMailboxStore
{
    private long _append;
    private long _other;

    public TimeSpan AppendTime => Stopwatch.GetElapsedTime(0, _append);
    public TimeSpan OtherTime => Stopwatch.GetElapsedTime(0, _other);

    public Task<bool> EnsureFolderAsync(string account, MailboxPath folder, CancellationToken cancellationToken) =>
        Timed(() => inner.EnsureFolderAsync(account, folder, cancellationToken), t => _other += t);

    public Task<bool> FolderExistsAsync(string account, MailboxPath folder, CancellationToken cancellationToken) =>
        Timed(() => inner.FolderExistsAsync(account, folder, cancellationToken), t => _other += t);

    public Task<IReadOnlyList<MailboxPath>> ListFoldersAsync(string account, CancellationToken cancellationToken) =>
        Timed(() => inner.ListFoldersAsync(account, cancellationToken), t => _other += t);

    public Task<FolderMessages> CountMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken) =>
        Timed(() => inner.CountMirrorCopiesAsync(account, folder, cancellationToken), t => _other += t);

    public Task<FolderMessages> RemoveMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken) =>
        Timed(() => inner.RemoveMirrorCopiesAsync(account, folder, cancellationToken), t => _other += t);

    public Task<IReadOnlyList<DeliveryOutcome>> AppendBatchAsync(string account, MailboxPath folder, IReadOnlyList<MessageToStore> messages,
        CancellationToken cancellationToken) =>
        Timed(() => inner.AppendBatchAsync(account, folder, messages, cancellationToken), t => _append += t);

    // The mirror calls the store one call at a time, so adding up each call's span is safe.
    private static async Task<T> Timed<T>(Func<Task<T>> call, Action<long> add)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            add(Stopwatch.GetTimestamp() - started);
        }
    }
}
