using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Cluster.Tests.Hosting;

/// <summary>The per-account mailbox: order, prepending (stash), draining, senders on many threads, and a real actor on it.</summary>
public sealed class CompactMessageQueueTests : TestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend);

    private static Envelope E(int n) => new(n, ActorRefs.NoSender);

    private static List<int> Drain(CompactMessageQueue q)
    {
        var got = new List<int>();
        while (q.TryDequeue(out var e)) got.Add((int)e.Message);
        return got;
    }

    [Fact]
    public void Messages_come_out_in_order_and_prepended_ones_first_the_last_prepended_first()
    {
        var q = new CompactMessageQueue();
        Assert.False(q.HasMessages);
        for (var i = 1; i <= 3; i++) q.Enqueue(ActorRefs.Nobody, E(i));
        q.EnqueueFirst(E(20));
        q.EnqueueFirst(E(10));
        Assert.Equal(5, q.Count);
        Assert.Equal([10, 20, 1, 2, 3], Drain(q));
        Assert.False(q.HasMessages);
        Assert.False(q.TryDequeue(out _));
    }

    [Fact]
    public void A_queue_that_grew_and_drained_keeps_working()
    {
        var q = new CompactMessageQueue();
        for (var round = 0; round < 3; round++)
        {
            var n = CompactMessageQueue.KeepCapacity * 4;
            for (var i = 0; i < n; i++) q.Enqueue(ActorRefs.Nobody, E(i));
            Assert.Equal(Enumerable.Range(0, n).ToList(), Drain(q));
            q.Enqueue(ActorRefs.Nobody, E(7));
            Assert.Equal([7], Drain(q));
        }
    }

    [Fact]
    public void Cleanup_hands_every_remaining_message_to_dead_letters()
    {
        var q = new CompactMessageQueue();
        q.Enqueue(ActorRefs.Nobody, E(1));
        q.EnqueueFirst(E(0));
        var dead = new CompactMessageQueue();
        q.CleanUp(ActorRefs.Nobody, dead);
        Assert.Equal(0, q.Count);
        Assert.Equal([0, 1], Drain(dead));
    }

    [Fact]
    public async Task Senders_on_many_threads_lose_nothing_and_each_sender_order_holds()
    {
        var q = new CompactMessageQueue();
        const int senders = 4, each = 20_000;
        var received = new List<int>();
        var reader = Task.Run(() =>
        {
            while (received.Count < senders * each)
                if (q.TryDequeue(out var e)) received.Add((int)e.Message);
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < each; i++) q.Enqueue(ActorRefs.Nobody, E(s * each + i));
        }, TestContext.Current.CancellationToken)));
        await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(senders * each, received.Count);
        for (var s = 0; s < senders; s++)
        {
            var mine = received.Where(v => v / each == s).ToList();
            Assert.Equal(Enumerable.Range(s * each, each).ToList(), mine);
        }
    }

    [Fact]
    public void A_persistent_style_actor_with_a_stash_runs_on_it()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Stasher(TestActor)).WithMailbox(CompactMailbox.ConfigPath));
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("open");
        actor.Tell("c");
        ExpectMsg("open", cancellationToken: TestContext.Current.CancellationToken);
        ExpectMsg("a", cancellationToken: TestContext.Current.CancellationToken);
        ExpectMsg("b", cancellationToken: TestContext.Current.CancellationToken);
        ExpectMsg("c", cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Stashes everything until "open", then unstashes (which prepends to the mailbox).</summary>
    private sealed class Stasher : UntypedActor, IWithUnboundedStash
    {
        private readonly IActorRef _probe;
        private bool _open;

        public Stasher(IActorRef probe) => _probe = probe;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            if (!_open && message is "open")
            {
                _open = true;
                _probe.Tell("open");
                Stash.UnstashAll();
            }
            else if (!_open) Stash.Stash();
            else _probe.Tell(message);
        }
    }
}
