namespace RemotePoll.Core.Secrets;

/// <summary>Encrypts remote passwords before they are persisted, and decrypts them for a session.</summary>
public interface ISecretSealer
{
    SealedSecret Seal(string clearText);

    /// <summary>Decrypts; throws <see cref="System.Security.Cryptography.CryptographicException"/> when it was not sealed by a known key.</summary>
    string Unseal(SealedSecret sealedSecret);

    /// <summary>True when <paramref name="sealedSecret"/> was sealed with a key other than the current one (a rotation re-seals it).</summary>
    bool NeedsResealing(SealedSecret sealedSecret) => false;
}
