using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rpop;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// A destination in front of a real one that answers chosen messages itself (a temporary failure, a refusal) and
/// passes the rest on; it reports each message's outcome as it is decided, for the test's timeline.
/// </summary>
internal sealed class SelectiveDestination(IMessageDestination inner, Func<byte[], DeliveryOutcome?> verdict) : IMessageDestination
{
    public Action<byte[], DeliveryOutcome>? Decided { get; set; }

    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        var own = messages.Select(verdict).ToArray();
        var passed = messages.Where((_, i) => own[i] is null).ToList();
        var theirs = passed.Count == 0 ? [] : await inner.DeliverAsync(passed, cancellationToken);
        var k = 0;
        var outcomes = own.Select(o => o ?? theirs[k++]).ToList();
        for (var i = 0; i < messages.Count; i++) Decided?.Invoke(messages[i], outcomes[i]);
        return outcomes;
    }
}
