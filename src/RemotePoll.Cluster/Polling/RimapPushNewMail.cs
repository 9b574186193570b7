namespace RemotePoll.Cluster.Polling;

// From a push holder to its poller, inside one process: no manifest needed.
/// <summary>The push connection saw new mail in INBOX (or was just established): the poller mirrors now.</summary>
public sealed class RimapPushNewMail
{
    public static readonly RimapPushNewMail Instance = new();
}
