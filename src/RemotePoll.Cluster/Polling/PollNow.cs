using Akka.Actor;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>Poll now (Try Now, or <c>rpoll rpop poll</c>); with <see cref="ReplyTo"/> the report goes there when it ends.</summary>
public sealed record PollNow(IActorRef? ReplyTo);
