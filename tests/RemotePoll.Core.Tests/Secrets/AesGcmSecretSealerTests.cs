using System.Security.Cryptography;
using System.Text;
using RemotePoll.Core.Secrets;
using Xunit;

namespace RemotePoll.Core.Tests.Secrets;

public class AesGcmSecretSealerTests
{
    private readonly AesGcmSecretSealer _sealer = TestSealers.Create("k1");

    [Theory]
    [InlineData("s3cret")]
    [InlineData("")]
    [InlineData("p\u00e4ss w\u00f6rd \u2603 \U0001F511")]
    public void Unseal_returns_what_was_sealed(string password)
    {
        Assert.Equal(password, _sealer.Unseal(_sealer.Seal(password)));
    }

    [Fact]
    public void A_long_password_survives_the_round_trip()
    {
        var password = new string('x', 1024);

        Assert.Equal(password, _sealer.Unseal(_sealer.Seal(password)));
    }

    [Fact]
    public void Sealing_the_same_password_twice_gives_different_ciphertexts()
    {
        Assert.NotEqual(_sealer.Seal("same"), _sealer.Seal("same"));
    }

    [Fact]
    public void The_sealed_form_names_the_key_and_hides_the_password()
    {
        var sealedSecret = _sealer.Seal("hunter2-password");

        Assert.StartsWith("v1:k1:", sealedSecret.Ciphertext, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", sealedSecret.Ciphertext, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("hunter2-password")), sealedSecret.Ciphertext, StringComparison.Ordinal);
        Assert.Equal("(sealed)", sealedSecret.ToString());
    }

    [Theory]
    [InlineData(0)]   // nonce
    [InlineData(12)]  // tag
    [InlineData(28)]  // ciphertext
    public void A_tampered_secret_throws_CryptographicException(int byteIndex)
    {
        var parts = _sealer.Seal("s3cret").Ciphertext.Split(':');
        var blob = Convert.FromBase64String(parts[2]);
        blob[byteIndex] ^= 0x01;
        var tampered = new SealedSecret($"v1:k1:{Convert.ToBase64String(blob)}");

        Assert.ThrowsAny<CryptographicException>(() => _sealer.Unseal(tampered));
    }

    [Fact]
    public void A_secret_relabelled_with_another_known_key_does_not_open()
    {
        var relabelled = new SealedSecret(_sealer.Seal("s3cret").Ciphertext.Replace("v1:k1:", "v1:k2:", StringComparison.Ordinal));

        Assert.ThrowsAny<CryptographicException>(() => _sealer.Unseal(relabelled));
    }

    [Fact]
    public void A_secret_sealed_with_an_unknown_key_throws_naming_the_key()
    {
        var other = new AesGcmSecretSealer("k9", new Dictionary<string, byte[]> { ["k9"] = new byte[32] });

        var ex = Assert.ThrowsAny<CryptographicException>(() => _sealer.Unseal(other.Seal("s3cret")));

        Assert.Contains("'k9'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_under_the_same_id_does_not_open_the_secret()
    {
        var impostor = new AesGcmSecretSealer("k1", new Dictionary<string, byte[]> { ["k1"] = TestSealers.KeyTwo });

        Assert.ThrowsAny<CryptographicException>(() => impostor.Unseal(_sealer.Seal("s3cret")));
    }

    [Theory]
    [InlineData("s3cret")]
    [InlineData("v2:k1:AAAA")]
    [InlineData("v1:k1:AAAA")]
    [InlineData("v1:k1:not base64!")]
    [InlineData("v1:k1:")]
    public void What_is_not_a_sealed_secret_throws_CryptographicException(string text)
    {
        Assert.ThrowsAny<CryptographicException>(() => _sealer.Unseal(new SealedSecret(text)));
    }

    [Fact]
    public void After_rotation_old_secrets_still_open_and_need_resealing()
    {
        var old = _sealer.Seal("s3cret");
        var rotated = TestSealers.Create("k2");

        Assert.True(rotated.NeedsResealing(old));
        Assert.Equal("s3cret", rotated.Unseal(old));

        var resealed = rotated.Seal(rotated.Unseal(old));
        Assert.False(rotated.NeedsResealing(resealed));
        Assert.StartsWith("v1:k2:", resealed.Ciphertext, StringComparison.Ordinal);
        Assert.Equal("s3cret", _sealer.Unseal(resealed));
    }

    [Fact]
    public void A_secret_sealed_with_the_current_key_needs_no_resealing()
    {
        Assert.False(_sealer.NeedsResealing(_sealer.Seal("x")));
        Assert.Equal("k1", _sealer.CurrentKeyId);
    }

    [Fact]
    public void A_sealer_without_the_new_key_cannot_open_what_the_new_key_sealed()
    {
        var oldOnly = new AesGcmSecretSealer("k1", new Dictionary<string, byte[]> { ["k1"] = TestSealers.KeyOne });

        Assert.ThrowsAny<CryptographicException>(() => oldOnly.Unseal(TestSealers.Create("k2").Seal("s3cret")));
    }

    [Fact]
    public void The_constructor_refuses_bad_keys()
    {
        Assert.Throws<ArgumentException>(() => new AesGcmSecretSealer("k1", new Dictionary<string, byte[]> { ["k1"] = new byte[16] }));
        Assert.Throws<ArgumentException>(() => new AesGcmSecretSealer("k:1", new Dictionary<string, byte[]> { ["k:1"] = new byte[32] }));
        Assert.Throws<ArgumentException>(() => new AesGcmSecretSealer("k2", new Dictionary<string, byte[]> { ["k1"] = new byte[32] }));
    }
}
