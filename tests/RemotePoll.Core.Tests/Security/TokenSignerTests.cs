using Xunit;
using System.Security.Cryptography;
using RemotePoll.Core.Security;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Tests.Security;

public sealed class TokenSignerTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_carries_role_domain_account_expiry_and_an_id()
    {
        var caller = Caller.Create(CallerRole.User, null, "John@Example.com");
        var (text, issued) = new TokenSigner(Secret).IssueToken(caller, Now, TimeSpan.FromDays(2));
        Assert.True(new TokenVerifier(Secret).TryVerify(text, Now.AddDays(1), out var token, out var reason), reason);
        Assert.Equal(new Caller(CallerRole.User, "example.com", "john@example.com"), token.Caller);
        Assert.Equal(Now.AddDays(2), token.Expires);
        Assert.Equal(issued.Id, token.Id);
        Assert.NotEqual(issued.Id, new TokenSigner(Secret).IssueToken(caller, Now, TimeSpan.FromDays(2)).Token.Id);
    }

    [Fact]
    public void Expired_forged_tampered_and_malformed_tokens_are_refused_with_the_reason()
    {
        var text = new TokenSigner(Secret).Issue(Caller.ServerAdministrator, Now, TimeSpan.FromHours(1));
        var verifier = new TokenVerifier(Secret);
        Assert.False(verifier.TryVerify(text, Now.AddHours(1), out _, out var expired));
        Assert.Contains("expired", expired);
        Assert.False(new TokenVerifier(RandomNumberGenerator.GetBytes(32)).TryVerify(text, Now, out _, out var forged));
        Assert.Contains("not signed", forged);
        // A user token re-labelled as server: the claims change, the signature no longer fits.
        var user = new TokenSigner(Secret).Issue(Caller.Create(CallerRole.User, null, "a@b.c"), Now, TimeSpan.FromHours(1));
        var parts = user.Split('.');
        var serverClaims = text.Split('.')[1];
        Assert.False(verifier.TryVerify($"{parts[0]}.{serverClaims}.{parts[2]}", Now, out _, out var swapped));
        Assert.Contains("not signed", swapped);
        foreach (var bad in new[] { null, "", "   ", "rpt1.", "rpt1..", "Bearer x", "rpt1.abc.def", new string('a', 5000) })
            Assert.False(verifier.TryVerify(bad, Now, out _, out _), bad);
    }

    [Fact]
    public void A_caller_must_fit_its_role()
    {
        Assert.Throws<ValidationException>(() => Caller.Create(CallerRole.Domain, null, null));
        Assert.Throws<ValidationException>(() => Caller.Create(CallerRole.User, null, null));
        Assert.Throws<ValidationException>(() => Caller.Create(CallerRole.User, "other.org", "a@example.com"));
        Assert.Throws<ValidationException>(() => Caller.Create(CallerRole.Server, "example.com", null));
        Assert.Throws<ValidationException>(() => RoleNames.Parse("root"));
        Assert.Equal(new Caller(CallerRole.Domain, "example.com"), Caller.Create(CallerRole.Domain, " Example.COM ", null));
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 3600)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("90m", 90 * 60)]
    [InlineData("45s", 45)]
    [InlineData("1y", 365 * 24 * 3600)]
    public void Lifetimes_are_a_number_and_a_unit(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), TokenLifetime.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("0d")]
    [InlineData("-1d")]
    [InlineData("10")]
    [InlineData("5w")]
    [InlineData("11y")]
    public void Bad_lifetimes_name_the_field(string text) =>
        Assert.Equal("expires", Assert.Throws<ValidationException>(() => TokenLifetime.Parse(text)).Errors[0].Field);

    [Fact]
    public void A_secret_is_never_shown_and_one_too_short_or_not_base64_is_refused_naming_its_source()
    {
        var text = ClusterSecret.NewText();
        var secret = ClusterSecret.FromText(text, ClusterSecret.EnvironmentVariable);

        Assert.DoesNotContain(text.Trim(), secret.ToString());
        Assert.Contains(ClusterSecret.EnvironmentVariable, Assert.Throws<InvalidDataException>(() => ClusterSecret.FromText("c2hvcnQ=", ClusterSecret.EnvironmentVariable)).Message);
        Assert.Contains("not base64", Assert.Throws<InvalidDataException>(() => ClusterSecret.FromText("%%", "x")).Message);
    }
}
