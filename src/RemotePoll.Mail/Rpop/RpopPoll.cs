using RemotePoll.Core.Ledgers;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Unified;

namespace RemotePoll.Mail.Rpop;

/// <summary>One RPOP poll: open the session (TLS, login per the spec's APOP rule), drain it into the destination.</summary>
public static class RpopPoll
{
    /// <summary>
    /// Runs one poll. A local side that cannot be reached is not an exception: the result says LocalDeliveryFailed, and
    /// the deletions of batches delivered before it still commit.
    /// </summary>
    /// <exception cref="RemotePollException">The remote side failed; its Kind says how.</exception>
    /// <exception cref="ArgumentException">The record's Mailbox is not a valid mailbox name.</exception>
    public static async Task<RpopDrainResult> RunAsync(RpopPollRequest request, IQueueDelivery queue, IMailboxStore store,
        Func<LedgerChange, CancellationToken, Task> commit, IProtocolLog? log, CancellationToken cancellationToken)
    {
        var r = request.Record;
        // Before connecting: a Mailbox name that cannot be parsed fails the poll without touching the remote side.
        // Special makes the record a Unified Domain-Wide Account: its mail is for the domain's users, so it goes
        // through the queue to them whatever Mailbox says.
        IMessageDestination destination = r.Special is not null
            ? new UnifiedDestination(queue, request.Account, r.Special,
                request.Unified ?? throw new ArgumentException($"{request}: the record has Special but the poll has no unified options"))
            : r.Mailbox is null
            ? new QueueDestination(queue, request.Account, request.QueueLookup)
            : new MailboxDestination(store, request.Account, MailboxPath.Parse(r.Mailbox));
        var options = new Pop3SessionOptions(request)
        {
            Host = r.Host,
            Tls = r.Tls,
            StartTls = r.StartTls,
            Trust = r.Trust,
            SourceAddress = request.SourceAddress,
            Resolver = request.Resolver,
            UseApop = request.UseApop,
            Apop = r.Apop,
        };
        var credentials = request.Bearer is { } bearer
            ? Pop3Credentials.ForBearer(r.AuthName, bearer)
            : new Pop3Credentials(r.AuthName, request.Password);
        await using var session = await Pop3Session.OpenAsync(options, credentials, log, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await RpopDrain.RunAsync(session, request.Ledger, destination, r.Leave, request.MaxMessageSize, commit, cancellationToken,
                markInFlight: request.MarkInFlight, progress: request.Progress,
                reopen: t => Pop3Session.OpenAsync(options, credentials, log, t)).ConfigureAwait(false);
            return result with { LoginDelay = session.LoginDelay };
        }
        catch (RemotePollException e)
        {
            e.LoginDelay ??= session.LoginDelay;
            throw;
        }
    }
}
