using Akka.Hosting;
using Akka.Hosting.TestKit;
using Akka.TestKit;
using RemotePoll.Cluster.Polling;

namespace RemotePoll.Cluster.Tests.Polling;

/// <summary>
/// The watcher that keeps a node's copy of a singleton's state (the OAuth2 providers) fresh, on Akka's TestScheduler:
/// it asks at once and then every <see cref="SingletonWatcher.Interval"/> of virtual time, never between, and hands each
/// answer to its callback.
/// </summary>
public sealed class SingletonWatcherTests : TestKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"", HoconAddMode.Prepend);

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task It_asks_at_once_then_once_per_interval_of_virtual_time_and_hands_on_the_answers()
    {
        var singleton = CreateTestProbe();
        var answers = new System.Collections.Concurrent.ConcurrentQueue<object>();
        var watcher = Sys.ActorOf(SingletonWatcher.Props(singleton.Ref, "query", answers.Enqueue));

        // The first ask is due at once: it goes out as soon as the watcher has started its timer.
        await AwaitAssertAsync(async () =>
        {
            Scheduler.Advance(TimeSpan.Zero);
            await singleton.ExpectMsgAsync("query", TimeSpan.FromMilliseconds(100), cancellationToken: Ct);
        }, Patience, cancellationToken: Ct);
        singleton.Reply("answer 1");
        await AwaitAssertAsync(() => Assert.Equal(["answer 1"], answers), Patience, cancellationToken: Ct);

        Scheduler.Advance(SingletonWatcher.Interval - TimeSpan.FromMilliseconds(1));
        await singleton.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200), Ct);
        Scheduler.Advance(TimeSpan.FromMilliseconds(1));
        await singleton.ExpectMsgAsync("query", Patience, cancellationToken: Ct);
        for (var i = 0; i < 3; i++)
        {
            Scheduler.Advance(SingletonWatcher.Interval);
            await singleton.ExpectMsgAsync("query", Patience, cancellationToken: Ct);
        }
        watcher.Tell("answer 2", singleton.Ref);
        await AwaitAssertAsync(() => Assert.Equal(["answer 1", "answer 2"], answers), Patience, cancellationToken: Ct);
    }
}
