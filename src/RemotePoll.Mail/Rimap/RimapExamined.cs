namespace RemotePoll.Mail.Rimap;

/// <summary>A remote folder opened read-only (EXAMINE): its UIDVALIDITY, UIDNEXT (when sent) and message count.</summary>
internal sealed record RimapExamined(uint UidValidity, uint? UidNext, int Count);
