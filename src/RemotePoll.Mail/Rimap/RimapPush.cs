using RemotePoll.Mail.Net;
namespace RemotePoll.Mail.Rimap;

/// <summary>
/// Push for one RIMAP record (issue 20): one read-only session held open, INBOX examined and watched with IDLE
/// (RFC 2177), re-issued every <c>reissueEvery</c> (RFC 2177 asks for less than 29 minutes). Where the server offers
/// NOTIFY (RFC 5465) every mirrored folder is watched too (<see cref="RimapPushNotify"/>); else the other folders keep
/// being polled at Poll Every. It only announces: the mirror itself is the record's normal poll (all its folders), with
/// its own session, permit and no-loss rules.
/// </summary>
public static class RimapPush
{
    /// <summary>The longest IDLE before it is re-issued: below the 29 minutes after which RFC 2177 lets a server drop the client.</summary>
    public static readonly TimeSpan DefaultReissueEvery = TimeSpan.FromMinutes(25);

    /// <summary>
    /// Connects as the record says (TLS rules and sign-in as for a poll), examines INBOX, sets NOTIFY where offered and
    /// idles until cancelled. <paramref name="newMail"/> is called once when INBOX is examined (mail that came while no
    /// IDLE was held), on each announcement of new mail, and when a re-issue finds the record's folders changed.
    /// <paramref name="watching"/> is told once what is watched (NOTIFY or IDLE on INBOX, and why). Never returns normally.
    /// </summary>
    /// <exception cref="RemotePollException">The connection failed or dropped, or the server offers no IDLE: push ends and says why.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: the connection is closed.</exception>
    public static async Task WatchAsync(RimapMirrorRequest request, TimeSpan reissueEvery, Action newMail, IProtocolLog? log,
        CancellationToken cancellationToken, Action<string>? watching = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(newMail);
        if (reissueEvery <= TimeSpan.Zero || reissueEvery >= TimeSpan.FromMinutes(29))
            throw new ArgumentOutOfRangeException(nameof(reissueEvery), reissueEvery, "IDLE must be re-issued within 29 minutes (RFC 2177)");
        await using var session = await RimapSession.OpenAsync(request, log, cancellationToken).ConfigureAwait(false);
        await session.ExamineInboxAsync(cancellationToken).ConfigureAwait(false);
        var notify = new RimapPushNotify(request, session);
        var watched = await notify.StartAsync(cancellationToken).ConfigureAwait(false);
        watching?.Invoke(watched);
        newMail();
        while (true)
        {
            if (await session.IdleAsync(reissueEvery, cancellationToken).ConfigureAwait(false)) newMail();
            if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
            if (await notify.RefreshAsync(cancellationToken).ConfigureAwait(false)) newMail();
        }
    }

    /// <summary>The wait before push is tried again after its <paramref name="failures"/>-th failure in a row: 2 s doubling to 5 minutes.</summary>
    public static TimeSpan BackOff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(300, 2 * Math.Pow(2, Math.Clamp(failures - 1, 0, 16))));
}
