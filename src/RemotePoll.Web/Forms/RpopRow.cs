namespace RemotePoll.Web.Forms;

/// <summary>One row of the RPOP table as the form sends it; the last row, not <see cref="Existing"/>, creates a record.</summary>
public sealed class RpopRow
{
    public string? Name { get; set; }
    public bool Existing { get; set; }
    public string Every { get; set; } = "Never";
    public string? AuthName { get; set; }
    public string? Host { get; set; }
    /// <summary>Write-only: never rendered; empty keeps the stored password.</summary>
    public string? Password { get; set; }
    public bool Leave { get; set; }
    public bool Apop { get; set; }
    public bool Tls { get; set; }
    public string? Mailbox { get; set; }
    public string? Special { get; set; }

    /// <summary>Shown, not sent: Last (the time of the last success, or the error of the last failure).</summary>
    public string? Last { get; set; }
    public bool LastFailed { get; set; }
    public RowErrors Errors { get; } = new();
}
