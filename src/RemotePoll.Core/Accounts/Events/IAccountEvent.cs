namespace RemotePoll.Core.Accounts.Events;

/// <summary>Marker for the events an account entity persists; each has a stable serializer manifest.</summary>
public interface IAccountEvent;
