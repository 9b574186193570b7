using RemotePoll.Core.Security;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.Security;

/// <summary>Issue 16.7: revoked token ids, and a signing secret that can be replaced on a running node.</summary>
public sealed class TokenRevocationAndRotationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    [Fact]
    public void A_rotated_secret_refuses_tokens_of_the_old_one_in_signers_and_verifiers_made_before()
    {
        var kept = ClusterSecret.NewText();
        var secret = ClusterSecret.FromText(kept, "test", () => kept = ClusterSecret.NewText());
        var verifier = secret.Verifier();
        var signer = secret.Signer();
        var old = signer.Issue(Caller.ServerAdministrator, Now, TimeSpan.FromDays(1));
        Assert.True(verifier.TryVerify(old, Now, out _, out _));
        Assert.True(secret.CanRotate);

        secret.Rotate();

        Assert.False(verifier.TryVerify(old, Now, out _, out var reason));
        Assert.Contains("not signed with this cluster's secret", reason);
        var fresh = signer.Issue(Caller.ServerAdministrator, Now, TimeSpan.FromDays(1));
        Assert.True(verifier.TryVerify(fresh, Now, out _, out _));
        Assert.True(ClusterSecret.FromText(kept, "kept").Verifier().TryVerify(fresh, Now, out _, out _));
    }

    [Fact]
    public void A_secret_given_as_text_cannot_be_rotated_by_the_node()
    {
        var secret = ClusterSecret.FromText(Convert.ToBase64String(new byte[32]), ClusterSecret.EnvironmentVariable);

        Assert.False(secret.CanRotate);
        Assert.Throws<InvalidOperationException>(secret.Rotate);
    }

    [Fact]
    public void A_replacement_that_is_no_secret_is_refused_and_the_old_secret_stays()
    {
        var secret = ClusterSecret.FromText(ClusterSecret.NewText(), "test", () => "c2hvcnQ=");
        var token = secret.Signer().Issue(Caller.ServerAdministrator, Now, TimeSpan.FromDays(1));

        Assert.Throws<InvalidDataException>(secret.Rotate);
        Assert.True(secret.Verifier().TryVerify(token, Now, out _, out _));
    }

    [Fact]
    public void Revoked_ids_are_kept_until_no_token_revoked_then_can_be_valid()
    {
        var revoked = RevokedTokens.None.Add("00112233445566778899aabb", Now);

        Assert.True(revoked.Contains("00112233445566778899aabb"));
        Assert.True(revoked.Prune(Now + TokenSigner.MaxLifetime).Contains("00112233445566778899aabb"));
        Assert.False(revoked.Prune(Now + TokenSigner.MaxLifetime + TimeSpan.FromDays(1)).Contains("00112233445566778899aabb"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0011")]
    [InlineData("00112233445566778899aabz")]
    public void A_malformed_id_is_refused_naming_ID(string id)
    {
        Refusal.Names("ID", "is not a token id", () => RevokedTokens.CheckId(id));
    }

    [Fact]
    public void An_id_is_taken_as_issued_whatever_its_case()
    {
        var (_, token) = new TokenSigner(new byte[32]).IssueToken(Caller.ServerAdministrator, Now, TimeSpan.FromHours(1));

        Assert.Equal(token.Id, RevokedTokens.CheckId(" " + token.Id.ToUpperInvariant() + " "));
        Assert.Throws<ValidationException>(() => RevokedTokens.CheckId(null));
    }
}
