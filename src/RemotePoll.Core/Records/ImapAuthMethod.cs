namespace RemotePoll.Core.Records;

/// <summary>RIMAP "Authentication Method": Normal (clear-text password) or Encrypted (CRAM-MD5).</summary>
public enum ImapAuthMethod
{
    Normal,
    Encrypted,
}
