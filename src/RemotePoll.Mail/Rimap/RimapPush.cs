namespace RemotePoll.Mail.Rimap;

/// <summary>
/// Push for one RIMAP record (issue 20): one read-only session held open, INBOX examined and watched with IDLE
/// (RFC 2177), re-issued every <c>reissueEvery</c> (RFC 2177 asks for less than 29 minutes). It only announces: the
/// mirror itself is the record's normal poll, with its own session, permit and no-loss rules. NOTIFY (RFC 5465) is not
/// used: the other folders keep being polled at Poll Every.
/// </summary>
public static class RimapPush
{
    /// <summary>The longest IDLE before it is re-issued: below the 29 minutes after which RFC 2177 lets a server drop the client.</summary>
    public static readonly TimeSpan DefaultReissueEvery = TimeSpan.FromMinutes(25);

    /// <summary>
    /// Connects as the record says (TLS rules and sign-in as for a poll), examines INBOX and idles until cancelled.
    /// <paramref name="newMail"/> is called once when INBOX is examined (mail that came while no IDLE was held) and again
    /// on each announcement of new mail. Never returns normally.
    /// </summary>
    /// <exception cref="ImapPollException">The connection failed or dropped, or the server offers no IDLE: push ends and says why.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: the connection is closed.</exception>
    public static async Task WatchAsync(RimapMirrorRequest request, TimeSpan reissueEvery, Action newMail, IImapProtocolLog? log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(newMail);
        if (reissueEvery <= TimeSpan.Zero || reissueEvery >= TimeSpan.FromMinutes(29))
            throw new ArgumentOutOfRangeException(nameof(reissueEvery), reissueEvery, "IDLE must be re-issued within 29 minutes (RFC 2177)");
        await using var session = await RimapSession.OpenAsync(request, log, cancellationToken).ConfigureAwait(false);
        await session.ExamineInboxAsync(cancellationToken).ConfigureAwait(false);
        newMail();
        while (true)
        {
            if (await session.IdleAsync(reissueEvery, cancellationToken).ConfigureAwait(false)) newMail();
            if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>The wait before push is tried again after its <paramref name="failures"/>-th failure in a row: 2 s doubling to 5 minutes.</summary>
    public static TimeSpan BackOff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(300, 2 * Math.Pow(2, Math.Clamp(failures - 1, 0, 16))));
}
