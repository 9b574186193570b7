namespace RemotePoll.Testing.Dovecot;

/// <summary>A message as Dovecot reports it through <c>doveadm fetch</c>. Text has LF line ends, as stored.</summary>
public sealed record DovecotMessage(long Uid, string Flags, string MessageId, string Subject, string Text);
