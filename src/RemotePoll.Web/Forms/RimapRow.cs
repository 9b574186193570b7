namespace RemotePoll.Web.Forms;

/// <summary>One RIMAP record form as sent; the last form, not <see cref="Existing"/>, creates a record.</summary>
public sealed class RimapRow
{
    public string? Name { get; set; }
    public bool Existing { get; set; }
    public string Every { get; set; } = "Never";
    public string? AuthName { get; set; }
    public string? Host { get; set; }
    /// <summary>Write-only: never rendered; empty keeps the stored password.</summary>
    public string? Password { get; set; }
    public string Security { get; set; } = "None";
    public string AuthMethod { get; set; } = "Normal";
    public string? Filter { get; set; }

    /// <summary>Shown, not sent.</summary>
    public string? Error { get; set; }
    public string? Last { get; set; }
    /// <summary>A Try Now order is pending: the button is not shown (spec, Try Now).</summary>
    public string? Order { get; set; }
    public RowErrors Errors { get; } = new();
}
