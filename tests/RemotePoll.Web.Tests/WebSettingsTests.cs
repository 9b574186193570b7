using Akka.Configuration;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Web.Tests;

/// <summary>remotepoll.web.public-url: the OAuth2 redirect URI the providers are told.</summary>
public sealed class WebSettingsTests
{
    [Fact]
    public void The_redirect_uri_is_the_public_url_plus_oauth_callback_else_the_requests_own()
    {
        Assert.Equal("https://poll1.example.com/oauth/callback", Settings("https://poll1.example.com").OAuthCallbackUrl("http", "127.0.0.1:8010"));
        Assert.Equal("https://example.com/rpoll/oauth/callback", Settings("https://example.com/rpoll/").OAuthCallbackUrl("http", "127.0.0.1:8010"));
        Assert.Equal("http://localhost:8010/oauth/callback", Settings("").OAuthCallbackUrl("http", "localhost:8010"));
    }

    [Theory]
    [InlineData("poll1.example.com")]
    [InlineData("ftp://poll1.example.com")]
    [InlineData("https://user:pw@poll1.example.com")]
    [InlineData("https://poll1.example.com/?a=b")]
    [InlineData("https://poll1.example.com/#top")]
    public void A_public_url_that_is_not_an_absolute_http_url_is_refused_naming_the_setting(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => Settings(url));
        Assert.StartsWith("remotepoll.web.public-url: ", e.Message);
    }

    private static WebSettings Settings(string publicUrl) =>
        WebSettings.From(new NodeOptions(), ConfigurationFactory.ParseString($"remotepoll.web.public-url = \"{publicUrl}\""), _ => null);
}
