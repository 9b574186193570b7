namespace RemotePoll.Mail.Delivery;

/// <summary>How much of the message a failure report should return (RFC 3461 RET).</summary>
public enum DsnReturn
{
    /// <summary>No RET parameter: the local system decides.</summary>
    Default,
    /// <summary>RET=FULL: the whole message.</summary>
    Full,
    /// <summary>RET=HDRS: the header only.</summary>
    Headers,
}
