namespace RemotePoll.Mail.Delivery;

/// <summary>One envelope recipient (<c>RCPT TO</c>) and what a failure report to the sender should do.</summary>
public sealed record EnvelopeRecipient(string Address, DsnNotify Notify = DsnNotify.Default)
{
    public override string ToString() => Address;
}
