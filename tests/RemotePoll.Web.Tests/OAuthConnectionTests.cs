using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;
using RemotePoll.Web.Forms;

namespace RemotePoll.Web.Tests;

/// <summary>What an oauth2 record's page says about its sign-in, and which button it offers.</summary>
public sealed class OAuthConnectionTests
{
    private static readonly DateTimeOffset Consent = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static string? Time(DateTimeOffset? t) => t?.ToString("HH:mm");

    [Fact]
    public void A_record_without_a_grant_is_not_connected_and_offers_Connect()
    {
        var c = OAuthConnection.Of("a@example.test", RecordKind.Rpop, "home", new OAuthSignInView("gmail", false, null, null), null, null, Time)!;
        Assert.Equal("gmail: not connected", c.State);
        Assert.Equal("Connect", c.Action);
        Assert.False(c.Expired);
        Assert.Equal("/oauth/connect?account=a%40example.test&kind=rpop&name=home", c.Link);
    }

    [Fact]
    public void A_connected_record_names_the_account_and_since_when_and_offers_Reconnect()
    {
        var c = OAuthConnection.Of("a@example.test", RecordKind.Rimap, "my work", new OAuthSignInView("ms", true, "joe@contoso.com", Consent),
            null, Consent.AddHours(1), Time)!;
        Assert.Equal("ms: connected as joe@contoso.com since 10:00", c.State);
        Assert.Equal("Reconnect", c.Action);
        Assert.Equal("/oauth/connect?account=a%40example.test&kind=rimap&name=my%20work", c.Link);
    }

    [Fact]
    public void AuthorizationExpired_after_the_consent_asks_to_Reconnect_and_a_consent_since_shows_connected_again()
    {
        var signIn = new OAuthSignInView("gmail", true, "joe@gmail.com", Consent);
        var expired = OAuthConnection.Of("a@example.test", RecordKind.Rpop, "home", signIn, "AuthorizationExpired", Consent.AddDays(1), Time)!;
        Assert.True(expired.Expired);
        Assert.StartsWith("gmail: AuthorizationExpired", expired.State);
        Assert.Equal("Reconnect", expired.Action);

        var reconnected = OAuthConnection.Of("a@example.test", RecordKind.Rpop, "home", signIn with { ConnectedAt = Consent.AddDays(2) },
            "AuthorizationExpired", Consent.AddDays(1), Time)!;
        Assert.False(reconnected.Expired);
        Assert.Equal("gmail: connected as joe@gmail.com since 10:00", reconnected.State);

        var otherError = OAuthConnection.Of("a@example.test", RecordKind.Rpop, "home", signIn, "ConnectionFailed", Consent.AddDays(1), Time)!;
        Assert.False(otherError.Expired);
        Assert.Null(OAuthConnection.Of("a@example.test", RecordKind.Rpop, "home", null, null, null, Time));
    }
}
