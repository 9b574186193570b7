using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace RemotePoll.Cluster.Hosting;

/// <summary>
/// An unbounded double-ended message queue under one lock that holds no buffer while it is empty: the queue is made
/// on the first message, and a buffer that grew past <see cref="KeepCapacity"/> is dropped when the queue drains, so an
/// idle actor costs one object. Prepended messages (a stash given back) come out first, the last prepended first.
/// Senders on any thread enqueue; only the actor's mailbox run dequeues.
/// </summary>
public sealed class CompactMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    /// <summary>Buffers up to this many slots are kept for the next burst; larger ones are given back when empty.</summary>
    public const int KeepCapacity = 16;

    private readonly Lock _lock = new();
    private Queue<Envelope>? _queue;
    private Stack<Envelope>? _front;
    private int _peak;

    public bool HasMessages => Count > 0;

    public int Count
    {
        get
        {
            lock (_lock) return (_queue?.Count ?? 0) + (_front?.Count ?? 0);
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_lock)
        {
            var queue = _queue ??= new Queue<Envelope>();
            queue.Enqueue(envelope);
            if (queue.Count > _peak) _peak = queue.Count;
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (_lock) (_front ??= new Stack<Envelope>()).Push(envelope);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_lock)
        {
            if (_front is { Count: > 0 } front)
            {
                envelope = front.Pop();
                if (front.Count == 0) _front = null;
                return true;
            }
            if (_queue is { } queue && queue.TryDequeue(out envelope))
            {
                if (queue.Count == 0 && _peak > KeepCapacity)
                {
                    _queue = null;
                    _peak = 0;
                }
                return true;
            }
            envelope = default;
            return false;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }
}
