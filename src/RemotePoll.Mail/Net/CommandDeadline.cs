namespace RemotePoll.Mail.Net;

/// <summary>
/// How POP3 and RIMAP sessions run one command: within a deadline, a caller's cancellation closing the session, and any
/// other failure classified by the session and closing it unless the session stays usable.
/// </summary>
internal static class CommandDeadline
{
    /// <param name="classify">The session's reading of a failure; its bool: the deadline had passed.</param>
    /// <param name="close">Closes the session, with the reason later calls report.</param>
    /// <exception cref="RemotePollException">What <paramref name="classify"/> made of a failure.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<T> RunAsync<T>(TimeSpan limit, Func<CancellationToken, Task<T>> operation,
        Func<Exception, bool, RemotePollException> classify, Action<string> close, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            return await operation(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            close("the operation was cancelled");
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception e)
        {
            var error = classify(e, deadline.IsCancellationRequested);
            if (!error.SessionUsable) close(error.Message);
            throw error;
        }
    }
}
