using RemotePoll.Core.Secrets;

namespace RemotePoll.Core.Tests;

/// <summary>Real AES-GCM sealers with fixed keys, so a test sees exactly what production would persist.</summary>
internal static class TestSealers
{
    public static readonly byte[] KeyOne = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    public static readonly byte[] KeyTwo = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    public static AesGcmSecretSealer Create(string currentKeyId = "k1") =>
        new(currentKeyId, new Dictionary<string, byte[]> { ["k1"] = KeyOne, ["k2"] = KeyTwo });
}
