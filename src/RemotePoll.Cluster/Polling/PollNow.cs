using Akka.Actor;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>Poll now (Try Now, or <c>rpoll rpop poll</c>); with <see cref="ReplyTo"/> the report goes there when it ends; with
/// <see cref="Ticket"/> the poll that serves the order can be followed (<see cref="Core.Accounts.Commands.GetPollProgress"/>).</summary>
public sealed record PollNow(IActorRef? ReplyTo, string? Ticket = null);
