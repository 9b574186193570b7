using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>A poll ended successfully: Last is set, Error cleared.</summary>
public sealed record PollSucceeded(RecordKind Kind, string Name, DateTimeOffset At, int Messages, long Bytes) : IAccountEvent
{
    /// <summary>The LOGIN-DELAY the server announced in this poll (zero: none); null when the poll never saw its CAPA.</summary>
    public TimeSpan? LoginDelay { get; init; }
}
