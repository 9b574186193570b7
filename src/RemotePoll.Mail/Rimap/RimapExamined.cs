using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// A remote folder opened read-only (EXAMINE): its UIDVALIDITY, UIDNEXT (when sent) and message count; its HIGHESTMODSEQ
/// (RFC 7162; 0 without CONDSTORE or with NOMODSEQ); with QRESYNC, the flag changes and expunges the server reported since
/// the saved state (null when the folder was examined without it).
/// </summary>
internal sealed record RimapExamined(uint UidValidity, uint? UidNext, int Count, ulong HighestModSeq = 0, MirrorChanges? Resynced = null);
