namespace RemotePoll.Mail.Net;

/// <summary>What the sessions' failure messages quote: a server's answer cut to a readable length, and the causes of a failure.</summary>
internal static class FailureText
{
    public static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>The failure and its inner exceptions, outermost first.</summary>
    public static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }
}
