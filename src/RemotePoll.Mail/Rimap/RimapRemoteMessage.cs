using MailKit;

namespace RemotePoll.Mail.Rimap;

/// <summary>What the server said about a message before its content is fetched.</summary>
internal sealed record RimapRemoteMessage(uint Uid, long? Size, MessageFlags Flags, IReadOnlyList<string> Keywords, DateTimeOffset? InternalDate);
