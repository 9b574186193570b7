namespace RemotePoll.Core.Ledgers;

/// <summary>
/// A message being handed to the local side: its POP3 UID and the delivery id stamped into the delivered copy. It is
/// journalled before the delivery and cleared with the commit of the UID, so a poll that finds it left over (the node
/// died in between) can ask the local side whether the copy arrived before delivering it again.
/// </summary>
public sealed record InFlightDelivery(string Uid, string Id);
