namespace RemotePoll.Web.Forms;

/// <summary>One RIMAP record form as sent.</summary>
public sealed class RimapRow : RecordRow
{
    public string Security { get; set; } = "None";
    public string AuthMethod { get; set; } = "Normal";
    public string? Filter { get; set; }
    /// <summary>Push (IDLE) besides Poll Every (issue 20).</summary>
    public bool Push { get; set; }
    /// <summary>Local copies follow the remote flags and deletions (issue 20 point 3).</summary>
    public bool SyncFlags { get; set; }

    /// <summary>Shown, not sent.</summary>
    public string? Error { get; set; }
    public string? Last { get; set; }
    /// <summary>A Try Now order is pending: the button is not shown (spec, Try Now).</summary>
    public string? Order { get; set; }

    public override void ShowStatusOf(RecordRow stored)
    {
        if (stored is RimapRow s) (Last, Error, Order, OAuth) = (s.Last, s.Error, s.Order, s.OAuth);
    }
}
