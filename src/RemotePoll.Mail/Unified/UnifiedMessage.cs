namespace RemotePoll.Mail.Unified;

/// <summary>
/// A message retrieved from a Unified Domain-Wide Account with its envelope recomposed (spec, Unified Domain-Wide
/// Accounts): the sender from Return-Path (null when there was none or it was unreadable; "" for the null sender),
/// the content to deliver (Return-Path removed, and the Special header removed when its addresses were used), the
/// addresses found, and the address texts that could not be read.
/// </summary>
public sealed record UnifiedMessage(string? Sender, byte[] Content, IReadOnlyList<string> Addresses, IReadOnlyList<string> Malformed);
