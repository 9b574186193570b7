using MailKit;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// What a RIMAP sync learnt of one remote folder's messages up to <see cref="UpTo"/> in <see cref="UidValidity"/>
/// (RIMAP Sync Flags): the current flags of the messages whose flags may have changed, and which UIDs are gone. A UID is
/// gone only when the server said so: listed in <see cref="Vanished"/> (QRESYNC), or missing from <see cref="Present"/>,
/// the server's complete answer of the UIDs it still has up to <see cref="UpTo"/> (a UID SEARCH or a full flag scan).
/// </summary>
/// <param name="Flags">The remote flags by UID; only those a local copy can hold are applied.</param>
/// <param name="Present">Every UID up to <see cref="UpTo"/> the server still has; null when unknown (then only <see cref="Vanished"/> counts).</param>
/// <param name="Vanished">UIDs the server reported expunged.</param>
public sealed record MirrorChanges(uint UidValidity, uint UpTo, IReadOnlyDictionary<uint, MessageFlags> Flags,
    IReadOnlySet<uint>? Present, IReadOnlySet<uint> Vanished)
{
    /// <summary>Whether the server said that the message with this UID is gone.</summary>
    public bool IsGone(uint uid) =>
        uid >= 1 && uid <= UpTo && (Vanished.Contains(uid) || (Present is not null && !Present.Contains(uid)));
}
