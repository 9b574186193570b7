using MimeKit;
using MimeKit.Utils;
using RemotePoll.Core.Envelope;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Unified;

/// <summary>
/// Sends the RFC 3464 failure report for "report on failure" recipients that the local side refused permanently
/// (spec, Unified Domain-Wide Accounts: "the original message sender ... will receive an error report"). A refusal
/// at RCPT or after DATA is the delivering client's to report (RFC 5321 6.1), whether or not the target speaks DSN:
/// DSN NOTIFY only covers failures after the target accepted the message. Reports go to the envelope sender through
/// the configured relay, from the null sender so that a report never causes another.
/// </summary>
public sealed class FailureReporter(IQueueDelivery relay, string reportingMta, string postmaster, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Null when the relay acknowledged the report for <paramref name="failures"/>; else the relay's refusal.</summary>
    public async Task<string?> SendAsync(string sender, ReadOnlyMemory<byte> original, IReadOnlyList<RecipientOutcome> failures, CancellationToken cancellationToken)
    {
        var report = Build(sender, original.Span, failures);
        var message = new MessageToDeliver(postmaster, new MessageEnvelope(null, [new EnvelopeRecipient(sender, DsnNotify.Never)]), report);
        var results = await relay.DeliverBatchAsync([message], cancellationToken).ConfigureAwait(false);
        return results.Count == 1 && results[0].AllDelivered ? null
            : results.SelectMany(r => r.Recipients).FirstOrDefault(r => !r.Outcome.IsDelivered)?.Outcome.ToString() ?? "no answer";
    }

    /// <summary>The report as RFC 5322 bytes: multipart/report; report-type=delivery-status (RFC 3464).</summary>
    public byte[] Build(string sender, ReadOnlySpan<byte> original, IReadOnlyList<RecipientOutcome> failures)
    {
        var now = _clock.GetUtcNow();
        var text = new TextPart("plain")
        {
            Text = "Your message could not be delivered to the following recipients:\r\n\r\n"
                + string.Concat(failures.Select(f => $"  {f.Recipient.Address}: {f.Outcome.Reason}\r\n"))
                + $"\r\nThis report was sent by {reportingMta}, which collected your message from a domain-wide mailbox.\r\n",
        };
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList
        {
            { "Reporting-MTA", "dns; " + reportingMta },
            { "Arrival-Date", DateUtils.FormatDate(now) },
        };
        status.StatusGroups.Add(perMessage);
        foreach (var f in failures)
        {
            var group = new HeaderList
            {
                { "Final-Recipient", "rfc822; " + f.Recipient.Address },
                { "Action", "failed" },
                { "Status", f.Outcome.EnhancedStatusCode is { } code && code.StartsWith('5') ? code : "5.0.0" },
                { "Diagnostic-Code", "smtp; " + Flatten(f.Outcome.Reason ?? "refused") },
            };
            status.StatusGroups.Add(group);
        }
        using var headerStream = new MemoryStream(original[..HeaderBlock.BodyStart(original)].ToArray());
        var headers = new TextRfc822Headers { Message = MimeMessage.Load(headerStream) };
        var report = new MultipartReport("delivery-status") { text, status, headers };
        var message = new MimeMessage
        {
            Subject = "Undelivered Mail Returned to Sender",
            Date = now,
            Body = report,
        };
        message.From.Add(new MailboxAddress("Mail Delivery System", postmaster));
        message.To.Add(MailboxAddress.Parse(sender));
        message.MessageId = MimeUtils.GenerateMessageId(reportingMta);
        message.Headers.Add("Auto-Submitted", "auto-replied");
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    private static string Flatten(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
