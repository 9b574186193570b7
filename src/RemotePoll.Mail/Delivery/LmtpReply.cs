using System.Globalization;

namespace RemotePoll.Mail.Delivery;

/// <summary>One (possibly multi-line) LMTP/SMTP reply: the 3-digit code and the text of each line.</summary>
public sealed record LmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositiveCompletion => Code is >= 200 and < 300;
    public bool IsIntermediate => Code is >= 300 and < 400;
    public bool IsTransientNegative => Code is >= 400 and < 500;
    public bool IsPermanentNegative => Code is >= 500 and < 600;

    /// <summary>The reply as the server wrote it, lines joined by a space: <c>550 5.1.1 &lt;x@y&gt; User doesn't exist</c>.</summary>
    public override string ToString() =>
        Code.ToString(CultureInfo.InvariantCulture) + (Lines.Count == 0 ? "" : " " + string.Join(' ', Lines));

    /// <summary>2xx delivered, 4xx temporary, 5xx permanent; anything else is not an outcome.</summary>
    /// <exception cref="LmtpProtocolException">The reply is a 1xx or 3xx.</exception>
    public DeliveryOutcome ToOutcome() =>
        IsPositiveCompletion ? DeliveryOutcome.Delivered
        : IsTransientNegative ? DeliveryOutcome.Temporary(ToString())
        : IsPermanentNegative ? DeliveryOutcome.Permanent(ToString())
        : throw new LmtpProtocolException("expected a final reply", this);
}
