using System.Security.Cryptography;
using RemotePoll.Core.Records;
using RemotePoll.Core.Unified;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rpop;

namespace RemotePoll.Mail.Unified;

/// <summary>
/// Delivers the messages of a Unified Domain-Wide Account to the local users they were addressed to (spec, Unified
/// Domain-Wide Accounts). Special = a header name: its addresses, "report on failure" (NOTIFY=FAILURE). Special =
/// "*": the To/Cc/Bcc addresses that route to an existing local account (a local domain, and the target accepts the
/// RCPT), "do not report failures" (NOTIFY=NEVER); others are ignored silently. No recipient: postmaster of the
/// main domain (the record's account), which also gets any message whose address fields cannot be read.
/// <para>A recipient that already has the message is skipped: the same message (Message-ID and header hash) within
/// the duplicate window, or the same retrieved copy delivered to it in an earlier poll that did not finish. A message
/// is reported delivered (so the drain may delete it) only when every recipient is delivered or failed permanently;
/// a message whose every recipient failed without a report being sent is reported refused, and stays on the server.</para>
/// </summary>
public sealed class UnifiedDestination(IQueueDelivery queue, string postmaster, string special, UnifiedOptions options) : IMessageDestination
{
    private sealed record Recipient(string Address, DsnNotify Notify, string ProgressKey, string? DuplicateKey);

    private sealed class Plan(UnifiedMessage message, int index)
    {
        public UnifiedMessage Message { get; } = message;
        public int Index { get; } = index;
        public List<Recipient> Send { get; } = [];
        /// <summary>Recipients that get this message through an earlier copy in the same batch (duplicate key).</summary>
        public List<Recipient> Follow { get; } = [];
        public bool AnyDone { get; set; }
    }

    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        var now = options.Clock.GetUtcNow();
        var ledger = options.Ledger;
        var plans = new List<Plan>();
        var leaders = new Dictionary<string, (Plan Plan, Recipient Recipient)>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var plan = new Plan(UnifiedEnvelope.Recompose(messages[i], special), i);
            plans.Add(plan);
            var copy = Convert.ToHexStringLower(SHA256.HashData(messages[i]))[..32];
            var fingerprint = MessageFingerprint.Of(messages[i]);
            foreach (var (address, notify) in await RecipientsAsync(plan.Message, cancellationToken).ConfigureAwait(false))
            {
                var r = new Recipient(address, notify, $"{copy}/{address.ToLowerInvariant()}",
                    fingerprint is null ? null : MessageFingerprint.Key(fingerprint, address));
                if (ledger.IsDone(r.ProgressKey) || (r.DuplicateKey is not null && ledger.WasSeen(r.DuplicateKey, now, options.DuplicateWindow)))
                    plan.AnyDone = true;
                else if (r.DuplicateKey is not null && leaders.ContainsKey(r.DuplicateKey)) plan.Follow.Add(r);
                else
                {
                    if (r.DuplicateKey is not null) leaders[r.DuplicateKey] = (plan, r);
                    plan.Send.Add(r);
                }
            }
        }

        var toSend = plans.Where(p => p.Send.Count > 0).ToList();
        var batch = toSend.Select(p => new MessageToDeliver(postmaster,
            new MessageEnvelope(p.Message.Sender, p.Send.Select(r => new EnvelopeRecipient(r.Address, r.Notify)).ToList()), p.Message.Content)).ToList();
        var results = batch.Count == 0 ? [] : await queue.DeliverBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        var outcomeOf = new Dictionary<Recipient, DeliveryOutcome>(ReferenceEqualityComparer.Instance);
        for (var k = 0; k < toSend.Count; k++)
            for (var r = 0; r < toSend[k].Send.Count; r++)
                outcomeOf[toSend[k].Send[r]] = results[k].Recipients[r].Outcome;

        var seen = new List<string>();
        var done = new List<string>();
        var outcomes = new DeliveryOutcome[messages.Count];
        foreach (var plan in plans)
        {
            var delivered = plan.AnyDone;
            string? temporary = null;
            var failed = new List<RecipientOutcome>();
            foreach (var r in plan.Send)
            {
                var o = outcomeOf[r];
                if (o.IsDelivered)
                {
                    delivered = true;
                    done.Add(r.ProgressKey);
                    if (r.DuplicateKey is not null) seen.Add(r.DuplicateKey);
                }
                else if (o.Status == DeliveryStatus.PermanentFailure) failed.Add(new RecipientOutcome(new EnvelopeRecipient(r.Address, r.Notify), o));
                else temporary ??= o.Reason ?? "temporary failure";
            }
            foreach (var r in plan.Follow)
            {
                var o = outcomeOf[leaders[r.DuplicateKey!].Recipient];
                if (o.Status == DeliveryStatus.TemporaryFailure) temporary ??= o.Reason ?? "temporary failure";
                else { delivered |= o.IsDelivered; done.Add(r.ProgressKey); }
            }
            var reported = await ReportAsync(plan.Message, failed, cancellationToken).ConfigureAwait(false);
            // A refused recipient is final (done) once reported, or when it was flagged "do not report failures".
            foreach (var f in failed.Where(f => reported || f.Recipient.Notify == DsnNotify.Never))
                done.Add(plan.Send.First(r => r.Address == f.Recipient.Address).ProgressKey);
            outcomes[plan.Index] = temporary is not null ? DeliveryOutcome.Temporary(temporary)
                : delivered || (failed.Count > 0 && reported) ? DeliveryOutcome.Delivered
                : failed.Count > 0 ? DeliveryOutcome.Permanent(failed[0].Outcome.Reason ?? "refused")
                : DeliveryOutcome.Delivered;
        }

        var change = new UnifiedChange(seen, done, now, options.DuplicateWindow);
        if (!change.IsEmpty) await options.Commit(change, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>The envelope recipients of one message, by the Special field's method; postmaster when there are none.</summary>
    private async Task<IReadOnlyList<(string Address, DsnNotify Notify)>> RecipientsAsync(UnifiedMessage message, CancellationToken cancellationToken)
    {
        if (message.Malformed.Count > 0)
            options.Log?.Invoke($"unreadable addresses in {(special == SpecialHeader.FromRecipientHeaders ? "To/Cc/Bcc" : special)}: {string.Join(", ", message.Malformed)}");
        var recipients = new List<(string, DsnNotify)>();
        if (special != SpecialHeader.FromRecipientHeaders)
        {
            // The header is the provider's, but its values come with the message: an address outside the account's
            // domain (another tenant's, or anyone's) is never a recipient, whatever the header says.
            var foreign = message.Addresses.Where(a => !options.LocalDomains.Contains(DomainOf(a))).ToList();
            if (foreign.Count > 0)
                options.Log?.Invoke($"{special} addresses outside the account's domain not delivered: {string.Join(", ", foreign)}");
            recipients.AddRange(message.Addresses.Except(foreign).Select(a => (a, DsnNotify.Failure)));
        }
        else
            foreach (var address in message.Addresses)
                if (options.LocalDomains.Contains(DomainOf(address)) && await queue.AcceptsRecipientAsync(address, cancellationToken).ConfigureAwait(false))
                    recipients.Add((address, DsnNotify.Never));
        if (recipients.Count > 0) return recipients;
        if (special != SpecialHeader.FromRecipientHeaders)
            options.Log?.Invoke($"a message without a usable {special} address goes to {postmaster}");
        return [(postmaster, DsnNotify.Never)];
    }

    /// <summary>Reports the refused "report on failure" recipients to the sender; true when there was nothing to report or the relay took it.</summary>
    private async Task<bool> ReportAsync(UnifiedMessage message, List<RecipientOutcome> failed, CancellationToken cancellationToken)
    {
        var toReport = failed.Where(f => f.Recipient.Notify == DsnNotify.Failure).ToList();
        if (toReport.Count == 0) return failed.Count == 0;
        var who = string.Join(", ", toReport.Select(f => f.Recipient.Address));
        if (string.IsNullOrEmpty(message.Sender))
        {
            options.Log?.Invoke($"{who} refused ({toReport[0].Outcome.Reason}); no failure report: the message has {(message.Sender is null ? "no Return-Path" : "the null sender")}");
            return false;
        }
        if (options.Reports is null)
        {
            options.Log?.Invoke($"{who} refused ({toReport[0].Outcome.Reason}); no failure report to {message.Sender}: no remotepoll.report-relay is configured");
            return false;
        }
        try
        {
            var refusal = await options.Reports.SendAsync(message.Sender, message.Content, toReport, cancellationToken).ConfigureAwait(false);
            options.Log?.Invoke(refusal is null ? $"failure report for {who} sent to {message.Sender}"
                : $"the report relay refused the failure report for {who} to {message.Sender}: {refusal}");
            return refusal is null;
        }
        catch (DeliveryUnavailableException e)
        {
            options.Log?.Invoke($"failure report for {who} to {message.Sender} not sent: {e.Message}");
            return false;
        }
    }

    private static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..].TrimEnd('.').ToLowerInvariant();
}
