using System.Buffers.Text;
using System.Text.Json;
using RemotePoll.Core.OAuth;
using RemotePoll.Web.OAuth;

namespace RemotePoll.Web.Tests;

/// <summary>"Connected as NAME": the account name from the id_token, as Google and Microsoft shape it.</summary>
public sealed class ProviderAccountNameTests
{
    private const string Client = "client-1";

    [Fact]
    public void Microsoft_names_the_account_in_preferred_username_and_Google_in_email()
    {
        Assert.Equal("john@contoso.onmicrosoft.com", ProviderAccountName.FromIdToken(
            IdToken(new() { ["aud"] = Client, ["preferred_username"] = "john@contoso.onmicrosoft.com", ["oid"] = "x" }), Client));
        Assert.Equal("john@gmail.com", ProviderAccountName.FromIdToken(
            IdToken(new() { ["aud"] = Client, ["email"] = "john@gmail.com", ["email_verified"] = true, ["sub"] = "1234" }), Client));
        Assert.Equal("j@example.test", ProviderAccountName.FromIdToken(
            IdToken(new() { ["aud"] = new[] { "other", Client }, ["upn"] = "j@example.test" }), Client));
    }

    [Fact]
    public void A_token_for_another_client_or_malformed_or_without_a_name_names_nobody()
    {
        Assert.Null(ProviderAccountName.FromIdToken(IdToken(new() { ["aud"] = "other", ["email"] = "a@b" }), Client));
        Assert.Null(ProviderAccountName.FromIdToken(IdToken(new() { ["email"] = "a@b" }), Client));
        Assert.Null(ProviderAccountName.FromIdToken(IdToken(new() { ["aud"] = Client, ["sub"] = "1234" }), Client));
        Assert.Null(ProviderAccountName.FromIdToken("not.a-token", Client));
        Assert.Null(ProviderAccountName.FromIdToken("a.%%%.c", Client));
        Assert.Null(ProviderAccountName.FromIdToken(null, Client));
        Assert.Equal("evil", ProviderAccountName.FromIdToken(IdToken(new() { ["aud"] = Client, ["email"] = "ev\r\nil" }), Client));
        Assert.Equal(ProviderAccountName.MaxLength,
            ProviderAccountName.FromIdToken(IdToken(new() { ["aud"] = Client, ["email"] = new string('x', 400) }), Client)!.Length);
    }

    [Fact]
    public void Google_and_Microsoft_consents_ask_for_the_scopes_that_name_the_account()
    {
        var google = Provider(OAuthProviderKind.Google, OAuthProvider.GoogleScopes);
        Assert.Equal("https://mail.google.com/ openid email", ProviderAccountName.Scopes(google));
        var microsoft = Provider(OAuthProviderKind.Microsoft, OAuthProvider.MicrosoftScopes + " openid");
        Assert.Equal(OAuthProvider.MicrosoftScopes + " openid profile", ProviderAccountName.Scopes(microsoft));
        Assert.Equal("mail", ProviderAccountName.Scopes(Provider(OAuthProviderKind.Generic, "mail")));
    }

    private static OAuthProvider Provider(OAuthProviderKind kind, string scopes) =>
        new("p", kind, Client, null, "https://auth.example/authorize", "https://auth.example/token", null, null, scopes);

    private static string IdToken(Dictionary<string, object> claims) =>
        "eyJhbGciOiJSUzI1NiJ9." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims)) + ".c2ln";
}
