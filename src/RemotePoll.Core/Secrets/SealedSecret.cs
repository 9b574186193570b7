namespace RemotePoll.Core.Secrets;

/// <summary>
/// A remote password as it is kept: encrypted, never in clear text in the journal, snapshots, replies or logs.
/// <see cref="ToString"/> never reveals it.
/// </summary>
public sealed record SealedSecret(string Ciphertext)
{
    public override string ToString() => "(sealed)";
}
