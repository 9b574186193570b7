namespace RemotePoll.Mail.Delivery;

/// <summary>
/// What the local mail system should report to the envelope sender if delivery to a recipient fails
/// (RFC 3461 NOTIFY). Sent only to a target that advertises DSN.
/// </summary>
public enum DsnNotify
{
    /// <summary>No NOTIFY parameter: the local system's own default applies.</summary>
    Default,
    /// <summary>NOTIFY=NEVER: "do not report failures" (spec, RPOP Mailbox field, no Mailbox set).</summary>
    Never,
    /// <summary>NOTIFY=FAILURE: "report on failure" (spec, Unified Domain-Wide Accounts).</summary>
    Failure,
}
