using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace RemotePoll.Cluster.Hosting;

/// <summary>
/// The mailbox of the actors a node holds per account (the account entity and its record pollers). Akka's default
/// queue allocates a 32-slot segment for every actor, about 1 KB, even while the actor waits hours for its next poll;
/// this one allocates nothing until a message arrives and gives large buffers back when it drains
/// (<see cref="CompactMessageQueue"/>). It is double-ended, as persistent actors require for their stash.
/// </summary>
public sealed class CompactMailbox(Akka.Actor.Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<CompactMessageQueue>
{
    /// <summary>The configuration path to give to <c>Props.WithMailbox</c>.</summary>
    public const string ConfigPath = "remotepoll-compact-mailbox";

    /// <summary>Declares the mailbox; every actor system that runs account entities needs it.</summary>
    public static readonly Config Hocon = ConfigurationFactory.ParseString(
        $"{ConfigPath}.mailbox-type = \"{typeof(CompactMailbox).FullName}, {typeof(CompactMailbox).Assembly.GetName().Name}\"");

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactMessageQueue();
}
