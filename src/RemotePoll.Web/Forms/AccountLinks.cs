namespace RemotePoll.Web.Forms;

/// <summary>The address of an account's pages.</summary>
public static class AccountLinks
{
    public static string RemotePoll(string account) => $"/account/{Uri.EscapeDataString(account)}/mail/remote-poll";
}
