namespace RemotePoll.Web.Forms;

/// <summary>One row of the RPOP table as the form sends it.</summary>
public sealed class RpopRow : RecordRow
{
    public bool Leave { get; set; }
    public bool Apop { get; set; }
    /// <summary>TLS: "no", "yes" (implicit, port 995) or "starttls" (STLS on port 110).</summary>
    public string Tls { get; set; } = "no";
    public string? Mailbox { get; set; }
    public string? Special { get; set; }

    /// <summary>Shown, not sent: Last (the time of the last success) and Error (why the last attempt failed), as for RIMAP.</summary>
    public string? Last { get; set; }
    public string? Error { get; set; }

    public override void ShowStatusOf(RecordRow stored)
    {
        if (stored is RpopRow s) (Last, Error, OAuth) = (s.Last, s.Error, s.OAuth);
    }
}
