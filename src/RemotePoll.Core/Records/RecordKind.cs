namespace RemotePoll.Core.Records;

/// <summary>The two kinds of Remote Poll records: RPOP (a remote POP3 account) and RIMAP (a remote IMAP account).</summary>
public enum RecordKind
{
    Rpop,
    Rimap,
}
