using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>A poll failed: Error holds the typed reason; Last keeps the time of the last success.</summary>
public sealed record PollFailed(RecordKind Kind, string Name, DateTimeOffset At, PollErrorKind ErrorKind, string Error) : IAccountEvent
{
    /// <summary>The LOGIN-DELAY the server announced in this poll (zero: none); null when the poll never saw its CAPA.</summary>
    public TimeSpan? LoginDelay { get; init; }
}
