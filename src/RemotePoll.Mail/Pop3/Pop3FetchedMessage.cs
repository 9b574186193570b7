namespace RemotePoll.Mail.Pop3;

/// <summary>A retrieved message: its 0-based index in the maildrop and its raw RFC 822 bytes (dot-unstuffed).</summary>
public sealed record Pop3FetchedMessage(int Index, byte[] Data);
