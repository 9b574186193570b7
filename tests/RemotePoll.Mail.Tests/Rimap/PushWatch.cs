using System.Threading.Channels;
using RemotePoll.Mail.Rimap;
using Xunit;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>A push session run by a test: its announcements in a channel, its protocol log, what it said it watches.</summary>
internal sealed class PushWatch : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
    public Channel<DateTimeOffset> Announced { get; } = Channel.CreateUnbounded<DateTimeOffset>();
    public RecordingImapLog Log { get; } = new();
    public Task Running { get; }
    /// <summary>What the session said it watches (NOTIFY or IDLE on INBOX, and why); null until held.</summary>
    public string? Watching { get; private set; }

    public PushWatch(RimapMirrorRequest request, TimeSpan reissueEvery) =>
        Running = Task.Run(() => RimapPush.WatchAsync(request, reissueEvery, () => Announced.Writer.TryWrite(DateTimeOffset.UtcNow), Log,
            _stop.Token, watching: w => Watching = w));

    public async Task<DateTimeOffset> NextAsync(TimeSpan within)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(within);
        try
        {
            return await Announced.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"no announcement within {within}; watching: {Watching}; session: {Running.Status} " +
                $"{Running.Exception?.InnerException?.Message}\n{Log.AllText}");
        }
    }

    /// <summary>Forgets the announcements so far.</summary>
    public void Drain()
    {
        while (Announced.Reader.TryRead(out _)) { }
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Running);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await Running; } catch (Exception) { }
        _stop.Dispose();
    }
}
