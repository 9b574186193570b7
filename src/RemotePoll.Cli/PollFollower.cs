using System.Globalization;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;

namespace RemotePoll.Cli;

/// <summary>
/// <c>rpoll rpop|rimap poll ACCOUNT NAME --wait</c>: orders the poll with a ticket, then asks how far it is with short
/// requests until it ends, however long it runs. No answer waits on one long request: ClusterClient's receptionist
/// closes a reply tunnel after 30 s without traffic, and a reply sent later is lost. While a poll runs longer than a
/// few seconds, its progress (messages and bytes delivered so far) goes to stderr; stdout gets the report only.
/// Interrupted (Ctrl-C), rpoll stops waiting and says that the poll goes on.
/// </summary>
public static class PollFollower
{
    /// <summary>Exit code when the operator stopped waiting (128 + SIGINT, as a shell reports it).</summary>
    public const int Interrupted = 130;
    /// <summary>Progress is shown only for polls that run longer than this.</summary>
    public static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(2);
    /// <summary>While nothing changes, a progress line at most this often.</summary>
    public static readonly TimeSpan ShowEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AskEvery = TimeSpan.FromSeconds(1);

    /// <param name="send">Sends one request; throws <see cref="TimeoutException"/> when no node answers.</param>
    /// <param name="interrupt">Cancelled when the operator stops waiting.</param>
    public static async Task<int> RunAsync(PollRecord order, Func<IAdminCommand, Task<AdminReply>> send, bool json,
        TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var kind = order.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP";
        var what = $"{kind} {order.Account}/{order.Name}";
        var list = $"'rpoll {kind.ToLowerInvariant()} list {order.Account}'";
        var ticket = Guid.NewGuid().ToString("N");
        var ordered = await send(order with { Ticket = ticket });
        if (!ordered.Ok) return await RefusedAsync(ordered, json, stdout, stderr);

        var began = DateTimeOffset.UtcNow;
        var lastShown = DateTimeOffset.MinValue;
        (string State, int Messages, long Bytes)? shown = null;
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try { await Task.Delay(pause, interrupt); }
            catch (OperationCanceledException)
            {
                await stderr.WriteLineAsync($"rpoll: stopped waiting; the poll of {what} goes on in the cluster ({list} shows its outcome)");
                return Interrupted;
            }
            pause = pause * 2 < AskEvery ? pause * 2 : AskEvery;
            AdminReply reply;
            try { reply = await send(new GetPollProgress(order.Account, order.Kind, order.Name, ticket)); }
            catch (TimeoutException ex)
            {
                await stderr.WriteLineAsync($"rpoll: {ex.Message}; the poll of {what} goes on ({list} shows its outcome)");
                return Rpoll.Unreachable;
            }
            if (!reply.Ok) return await RefusedAsync(reply, json, stdout, stderr);
            if (reply.Result is not PollProgressView p)
            {
                await stderr.WriteLineAsync($"rpoll: unexpected answer {reply.Result?.GetType().Name}");
                return Rpoll.Unreachable;
            }
            switch (p.State)
            {
                case PollProgressView.Ended when p.Report is { } report:
                    await stdout.WriteLineAsync(Output.Render(report, CliView.Whole, json));
                    return report.Ok ? Rpoll.Ok : Rpoll.PollFailed;
                case PollProgressView.Waiting or PollProgressView.Running:
                    var now = DateTimeOffset.UtcNow;
                    var state = (p.State, p.Messages, p.Bytes);
                    if (now - began >= QuietFor && (shown != state || now - lastShown >= ShowEvery))
                    {
                        await stderr.WriteLineAsync($"rpoll: {what}: {ProgressText(p, now)}");
                        await stderr.FlushAsync();
                        shown = state;
                        lastShown = now;
                    }
                    break;
                default:
                    await stderr.WriteLineAsync($"rpoll: the cluster no longer knows the poll of {what} (its account restarted or moved to " +
                        $"another node); {list} shows the outcome of its last poll");
                    return Rpoll.Unreachable;
            }
        }
    }

    /// <summary>One progress line: "polling for 12 s: 400 messages, 1,234,567 bytes so far".</summary>
    public static string ProgressText(PollProgressView p, DateTimeOffset now) => p.State == PollProgressView.Waiting
        ? "waiting for the poll in progress to end"
        : string.Create(CultureInfo.InvariantCulture,
            $"polling for {(now - (p.Started ?? now)).TotalSeconds:0} s: {Output.Count(p.Messages, "message")}, {Output.Count(p.Bytes, "byte")} so far");

    private static async Task<int> RefusedAsync(AdminReply reply, bool json, TextWriter stdout, TextWriter stderr)
    {
        var text = Output.RenderError(reply, json);
        await (json ? stdout : stderr).WriteLineAsync(json ? text : $"rpoll: {text}");
        return Rpoll.Refused;
    }
}
