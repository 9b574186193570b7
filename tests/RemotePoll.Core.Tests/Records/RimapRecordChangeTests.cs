using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class RimapRecordChangeTests
{
    private const string Secret = "imap-Pa55word";
    private static readonly DateTimeOffset Order = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly AesGcmSecretSealer _sealer = TestSealers.Create();

    private static RimapRecordChange NewMail() =>
        new("Gmail") { Every = "15m", AuthName = "bob@gmail.example", Host = "imap.example.com", Password = Secret };

    private RimapRecord Existing() =>
        (NewMail() with { Security = "SSL/TLS", AuthMethod = "Encrypted", ListFilter = "INBOX*", ExtOrder = Order }).ApplyTo(null, _sealer)!;

    [Fact]
    public void Create_builds_the_record_with_the_defaults_for_what_is_not_given()
    {
        var r = NewMail().ApplyTo(null, _sealer)!;

        Assert.Equal("Gmail", r.Name);
        Assert.Equal(PollPeriod.Every(TimeSpan.FromMinutes(15)), r.Period);
        Assert.Equal("bob@gmail.example", r.AuthName);
        Assert.Equal(new HostAndPort("imap.example.com", null), r.Host);
        Assert.Equal(Secret, _sealer.Unseal(r.Password));
        Assert.Equal(ConnectionSecurity.None, r.Security);
        Assert.Equal(ImapAuthMethod.Normal, r.AuthMethod);
        Assert.Null(r.ListFilter);
        Assert.Null(r.ExtOrder);
    }

    [Fact]
    public void Create_takes_security_method_filter_and_order()
    {
        var r = Existing();

        Assert.Equal(ConnectionSecurity.SslTls, r.Security);
        Assert.Equal(ImapAuthMethod.Encrypted, r.AuthMethod);
        Assert.Equal("INBOX*", r.ListFilter);
        Assert.Equal(Order, r.ExtOrder);
        Assert.Equal(993, r.Port);
    }

    [Fact]
    public void Create_without_password_is_refused_naming_Password()
    {
        Refusal.Names("Password", "is required for a new record", () => (NewMail() with { Password = null }).ApplyTo(null, _sealer));
    }

    [Fact]
    public void Create_without_host_or_account_is_refused_naming_both()
    {
        var ex = Assert.Throws<ValidationException>(() => (NewMail() with { Host = null, AuthName = null }).ApplyTo(null, _sealer));

        Assert.Contains(ex.Errors, e => e is { Field: "at Host", Reason: "is required" });
        Assert.Contains(ex.Errors, e => e is { Field: "Account", Reason: "is required" });
    }

    [Theory]
    [InlineData("ssl")]
    [InlineData("TLS")]
    [InlineData("ssl/tls")]
    public void The_aliases_of_SSL_TLS_are_accepted(string security)
    {
        Assert.Equal(ConnectionSecurity.SslTls, (NewMail() with { Security = security }).ApplyTo(null, _sealer)!.Security);
    }

    [Theory]
    [InlineData("TLS1.3")]
    [InlineData("")]
    [InlineData("SSL-TLS")]
    public void An_unknown_connection_security_is_refused_naming_the_field(string security)
    {
        Refusal.Names("Connection Security", $"'{security}' is not one of None, STARTTLS, SSL/TLS",
            () => (NewMail() with { Security = security }).ApplyTo(null, _sealer));
    }

    [Theory]
    [InlineData("CRAM-MD5")]
    [InlineData("")]
    public void An_unknown_authentication_method_is_refused_naming_the_field(string method)
    {
        Refusal.Names("Authentication Method", $"'{method}' is not one of Normal, Encrypted",
            () => (NewMail() with { AuthMethod = method }).ApplyTo(null, _sealer));
    }

    [Theory]
    [InlineData("Mail/Archive", "cannot be in a folder or file name")]
    [InlineData(".Sent", "starts with '.'")]
    [InlineData("", "is required")]
    public void A_name_that_cannot_be_a_folder_name_is_refused(string name, string reason)
    {
        Refusal.Names("Name", reason, () => (NewMail() with { Name = name }).ApplyTo(null, _sealer));
    }

    [Fact]
    public void A_filter_with_a_control_character_or_over_255_characters_is_refused()
    {
        Refusal.Names("Filter", "control character", () => (NewMail() with { ListFilter = "INBOX\r\nA1 LOGOUT" }).ApplyTo(null, _sealer));
        Refusal.Names("Filter", "longer than 255", () => (NewMail() with { ListFilter = new string('*', 256) }).ApplyTo(null, _sealer));
    }

    [Fact]
    public void A_bad_period_or_host_is_refused_naming_the_field()
    {
        Refusal.Names("Poll Every", "outside 1s..30d", () => (NewMail() with { Every = "60d" }).ApplyTo(null, _sealer));
        Refusal.Names("at Host", "port '0'", () => (NewMail() with { Host = "[::1]:0" }).ApplyTo(null, _sealer));
    }

    [Fact]
    public void Change_keeps_every_field_it_does_not_name()
    {
        var existing = Existing();

        var changed = new RimapRecordChange("Gmail") { Every = "Disabled" }.ApplyTo(existing, _sealer)!;

        Assert.Equal(existing with { Period = PollPeriod.Disabled }, changed);
    }

    [Fact]
    public void Change_without_password_keeps_the_stored_one()
    {
        var existing = Existing();

        // Not Encrypted -> Normal: that downgrade voids the password (RecordDestinationTests).
        var changed = new RimapRecordChange("Gmail") { AuthMethod = "Encrypted", ListFilter = "*" }.ApplyTo(existing, _sealer)!;

        Assert.Equal(existing.Password, changed.Password);
        Assert.Equal(ImapAuthMethod.Encrypted, changed.AuthMethod);
    }

    [Fact]
    public void An_empty_filter_clears_it()
    {
        var changed = new RimapRecordChange("Gmail") { ListFilter = "" }.ApplyTo(Existing(), _sealer)!;

        Assert.Null(changed.ListFilter);
    }

    [Fact]
    public void Replace_resets_security_method_and_filter_and_the_security_change_voids_the_password()
    {
        var existing = Existing();

        var replaced = new RimapRecordChange("Gmail") { Replace = true }.ApplyTo(existing, _sealer)!;

        Assert.Equal(ConnectionSecurity.None, replaced.Security);
        Assert.Equal(ImapAuthMethod.Normal, replaced.AuthMethod);
        Assert.Null(replaced.ListFilter);
        Assert.True(replaced.Password.IsNone);
    }

    [Fact]
    public void Replace_that_keeps_the_security_keeps_the_password()
    {
        var existing = Existing();

        var replaced = new RimapRecordChange("Gmail") { Replace = true, Security = "SSL/TLS", AuthMethod = "Encrypted" }.ApplyTo(existing, _sealer)!;
        Assert.Equal(existing.Password, replaced.Password);

        // A replacement without the auth method is Normal: from Encrypted, a downgrade that voids the password.
        var downgraded = new RimapRecordChange("Gmail") { Replace = true, Security = "SSL/TLS" }.ApplyTo(existing, _sealer)!;
        Assert.Equal(ImapAuthMethod.Normal, downgraded.AuthMethod);
        Assert.True(downgraded.Password.IsNone);
    }

    [Fact]
    public void Never_returns_no_record()
    {
        Assert.Null(new RimapRecordChange("Gmail") { Every = "NEVER" }.ApplyTo(Existing(), _sealer));
    }

    [Fact]
    public void The_password_is_sealed_and_ToString_never_contains_it()
    {
        var change = NewMail();
        var r = change.ApplyTo(null, _sealer)!;

        Assert.DoesNotContain(Secret, r.Password.Ciphertext, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, r.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, change.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password = (given)", change.ToString(), StringComparison.Ordinal);
    }
}
