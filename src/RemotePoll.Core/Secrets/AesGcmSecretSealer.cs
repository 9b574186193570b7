using System.Security.Cryptography;
using System.Text;

namespace RemotePoll.Core.Secrets;

/// <summary>
/// Authenticated encryption (AES-256-GCM) of remote passwords. Text form: <c>v1:KEYID:base64(nonce|tag|ciphertext)</c>.
/// The key id lets a rotation re-encrypt with a new key while the old one still opens what it sealed.
/// </summary>
public sealed class AesGcmSecretSealer : ISecretSealer
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly string _currentKeyId;
    private readonly IReadOnlyDictionary<string, byte[]> _keys;

    /// <param name="keys">Key id to 32-byte key; <paramref name="currentKeyId"/> seals, every key unseals.</param>
    public AesGcmSecretSealer(string currentKeyId, IReadOnlyDictionary<string, byte[]> keys)
    {
        foreach (var (id, key) in keys)
            if (key.Length != 32 || id.Contains(':')) throw new ArgumentException($"key '{id}' must be 32 bytes with an id without ':'");
        if (!keys.ContainsKey(currentKeyId)) throw new ArgumentException($"no key '{currentKeyId}'");
        _currentKeyId = currentKeyId;
        _keys = keys;
    }

    public string CurrentKeyId => _currentKeyId;

    /// <summary>The ids of every key that opens.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys.ToList();

    public SealedSecret Seal(string clearText)
    {
        var plain = Encoding.UTF8.GetBytes(clearText);
        var blob = new byte[NonceSize + TagSize + plain.Length];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(_keys[_currentKeyId], TagSize);
        gcm.Encrypt(nonce, plain, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), Aad(_currentKeyId));
        return new SealedSecret($"v1:{_currentKeyId}:{Convert.ToBase64String(blob)}");
    }

    public string Unseal(SealedSecret sealedSecret)
    {
        var parts = sealedSecret.Ciphertext.Split(':', 3);
        if (parts.Length != 3 || parts[0] != "v1") throw new CryptographicException("not a sealed secret");
        if (!_keys.TryGetValue(parts[1], out var key)) throw new CryptographicException($"sealed with unknown key '{parts[1]}'");
        var blob = new byte[parts[2].Length];
        if (!Convert.TryFromBase64String(parts[2], blob, out var length)) throw new CryptographicException("sealed secret is not base64");
        blob = blob[..length];
        if (blob.Length < NonceSize + TagSize) throw new CryptographicException("sealed secret is truncated");
        var plain = new byte[blob.Length - NonceSize - TagSize];
        using var gcm = new AesGcm(key, TagSize);
        gcm.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plain, Aad(parts[1]));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>True when the secret was sealed with a key other than the current one (a rotation re-seals it).</summary>
    public bool NeedsResealing(SealedSecret s) => !s.Ciphertext.StartsWith($"v1:{_currentKeyId}:", StringComparison.Ordinal);

    private static byte[] Aad(string keyId) => Encoding.ASCII.GetBytes("remotepoll-secret-" + keyId);
}
