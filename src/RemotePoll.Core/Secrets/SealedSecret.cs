namespace RemotePoll.Core.Secrets;

/// <summary>
/// A remote password as it is kept: encrypted, never in clear text in the journal, snapshots, replies or logs.
/// <see cref="ToString"/> never reveals it.
/// </summary>
public sealed record SealedSecret(string Ciphertext)
{
    /// <summary>No password: the stored one was void when the record's destination changed without a new one.</summary>
    public static readonly SealedSecret None = new("");

    public bool IsNone => Ciphertext.Length == 0;

    public override string ToString() => IsNone ? "(none)" : "(sealed)";
}
