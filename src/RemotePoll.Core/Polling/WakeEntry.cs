namespace RemotePoll.Core.Polling;

/// <summary>One account of a <see cref="WakeTable"/> as a snapshot keeps it.</summary>
public sealed record WakeEntry(string Account, IReadOnlyList<WakeDue> Records);
