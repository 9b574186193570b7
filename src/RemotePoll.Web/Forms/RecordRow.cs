namespace RemotePoll.Web.Forms;

/// <summary>What the RPOP row and the RIMAP form share; the last one, not <see cref="Existing"/>, creates a record.</summary>
public abstract class RecordRow
{
    public string? Name { get; set; }
    public bool Existing { get; set; }
    public string Every { get; set; } = "Never";
    public string? AuthName { get; set; }
    public string? Host { get; set; }
    /// <summary>Write-only: never rendered; empty keeps the stored password.</summary>
    public string? Password { get; set; }
    public RowErrors Errors { get; } = new();
    /// <summary>Shown, not sent: the OAuth2 sign-in of an oauth2 record.</summary>
    public OAuthConnection? OAuth { get; set; }

    /// <summary>Takes what is shown but not sent (Last, Error, order) from the stored record.</summary>
    public abstract void ShowStatusOf(RecordRow stored);
}
