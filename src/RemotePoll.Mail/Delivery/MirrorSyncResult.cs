namespace RemotePoll.Mail.Delivery;

/// <summary>What <see cref="IMailboxStore.ApplyMirrorChangesAsync"/> changed: copies whose flags were set, copies removed.</summary>
public sealed record MirrorSyncResult(int FlagsChanged, int Removed)
{
    public static readonly MirrorSyncResult None = new(0, 0);
}
