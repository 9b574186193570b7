using RemotePoll.Core.OAuth;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.OAuth;

public class OAuthProviderChangeTests
{
    private readonly RemotePoll.Core.Secrets.AesGcmSecretSealer _sealer = TestSealers.Create();

    [Fact]
    public void A_google_provider_needs_only_the_client_id_and_secret_and_gets_the_published_endpoints_and_mail_scope()
    {
        var p = new OAuthProviderChange("gmail") { Kind = "google", ClientId = "id.apps.googleusercontent.com", ClientSecret = "s3cret" }
            .ApplyTo(null, _sealer);

        Assert.Equal(OAuthProviderKind.Google, p.Kind);
        Assert.Equal("https://oauth2.googleapis.com/token", p.TokenEndpoint);
        Assert.Equal("https://accounts.google.com/o/oauth2/v2/auth", p.AuthorizationEndpoint);
        Assert.Equal("https://oauth2.googleapis.com/device/code", p.DeviceAuthorizationEndpoint);
        Assert.Equal("https://mail.google.com/", p.Scopes);
        Assert.True(p.AllowsOAuthBearer);
        Assert.Equal("s3cret", _sealer.Unseal(p.ClientSecret!));
        Assert.DoesNotContain("s3cret", p.ClientSecret!.Ciphertext, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", p.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_microsoft_provider_uses_the_tenant_endpoints_the_imap_pop_scopes_and_xoauth2_only()
    {
        var p = new OAuthProviderChange("m365") { Kind = "microsoft", ClientId = "00000000-1111", Tenant = "contoso.onmicrosoft.com" }
            .ApplyTo(null, _sealer);

        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", p.TokenEndpoint);
        Assert.Contains("https://outlook.office.com/IMAP.AccessAsUser.All", p.Scopes, StringComparison.Ordinal);
        Assert.Contains("https://outlook.office.com/POP.AccessAsUser.All", p.Scopes, StringComparison.Ordinal);
        Assert.Contains("offline_access", p.Scopes, StringComparison.Ordinal);
        Assert.Null(p.RevocationEndpoint);
        Assert.False(p.AllowsOAuthBearer);

        var app = new OAuthProviderChange("m365-app")
        {
            Kind = "microsoft", ClientId = "app", ClientSecret = "x", Tenant = "contoso.onmicrosoft.com", Grant = "client-credentials",
        }.ApplyTo(null, _sealer);
        Assert.Equal("https://outlook.office365.com/.default", app.Scopes);
        Assert.Equal(OAuthGrantType.ClientCredentials, app.Grant);
    }

    [Fact]
    public void Bad_input_names_each_field_and_its_reason()
    {
        var e = Assert.Throws<ValidationException>(() => new OAuthProviderChange("x/y")
        {
            Kind = "yahoo", ClientId = "", TokenEndpoint = "http://provider.example/token",
        }.ApplyTo(null, _sealer));

        Assert.Contains(e.Errors, f => f.Field == "Name");
        Assert.Contains(e.Errors, f => f.Field == "Kind" && f.Reason.Contains("google, microsoft, generic", StringComparison.Ordinal));
        Assert.Contains(e.Errors, f => f.Field == "ClientId");
        Assert.Contains(e.Errors, f => f.Field == "TokenEndpoint" && f.Reason.Contains("https", StringComparison.Ordinal));

        var cc = Assert.Throws<ValidationException>(() => new OAuthProviderChange("m")
        {
            Kind = "microsoft", ClientId = "a", Grant = "client-credentials",
        }.ApplyTo(null, _sealer));
        Assert.Contains(cc.Errors, f => f.Field == "ClientSecret");
        Assert.Contains(cc.Errors, f => f.Field == "Tenant" && f.Reason.Contains("common", StringComparison.Ordinal));
        Assert.Contains(Assert.Throws<ValidationException>(() => new OAuthProviderChange("g")
        {
            Kind = "google", ClientId = "a", ClientSecret = "b", Grant = "client-credentials",
        }.ApplyTo(null, _sealer)).Errors, f => f.Field == "Grant");
    }

    [Fact]
    public void A_generic_provider_names_its_endpoints_and_scopes_and_a_change_keeps_the_sealed_secret_unless_given()
    {
        Assert.Contains(Assert.Throws<ValidationException>(() => new OAuthProviderChange("g") { ClientId = "a" }.ApplyTo(null, _sealer)).Errors,
            f => f.Field == "TokenEndpoint");
        var p = new OAuthProviderChange("isp")
        {
            ClientId = "a", ClientSecret = "first", TokenEndpoint = "https://id.isp.example/token",
            DeviceAuthorizationEndpoint = "https://id.isp.example/device", Scopes = "mail offline",
        }.ApplyTo(null, _sealer);
        var changed = new OAuthProviderChange("isp") { Scopes = "mail" }.ApplyTo(p, _sealer);

        Assert.Equal(p.ClientSecret, changed.ClientSecret);
        Assert.Equal("mail", changed.Scopes);
        Assert.Equal("https://id.isp.example/token", changed.TokenEndpoint);
        Assert.Equal("second", _sealer.Unseal(new OAuthProviderChange("isp") { ClientSecret = "second" }.ApplyTo(p, _sealer).ClientSecret!));
        Assert.Equal("http://127.0.0.1:8080/token", new OAuthProviderChange("local")
        {
            ClientId = "a", TokenEndpoint = "http://127.0.0.1:8080/token", DeviceAuthorizationEndpoint = "http://127.0.0.1:8080/device", Scopes = "m",
        }.ApplyTo(null, _sealer).TokenEndpoint);
    }
}
