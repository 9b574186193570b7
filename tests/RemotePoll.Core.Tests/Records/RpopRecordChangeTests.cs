using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class RpopRecordChangeTests
{
    private const string Secret = "s3cret-Pa55";
    private static readonly RecordRules Plain = new(SpecialAllowed: false);
    private static readonly RecordRules Postmaster = new(SpecialAllowed: true);
    private readonly AesGcmSecretSealer _sealer = TestSealers.Create();

    private static RpopRecordChange NewWork() =>
        new("Work") { Every = "1h", AuthName = "alice", Host = "pop.example.com:1100", Password = Secret };

    private RpopRecord Existing(RecordRules? rules = null) =>
        (NewWork() with { Leave = true, Apop = true, Tls = true, Mailbox = "Archive/ISP", Special = rules is null ? null : "X-Real-To" })
            .ApplyTo(null, rules ?? Plain, _sealer)!;

    [Fact]
    public void Create_builds_the_record_from_every_field()
    {
        var r = (NewWork() with { Leave = true, Apop = true, Tls = true, Mailbox = "Archive" }).ApplyTo(null, Plain, _sealer);

        Assert.NotNull(r);
        Assert.Equal("Work", r.Name);
        Assert.Equal(PollPeriod.Every(TimeSpan.FromHours(1)), r.Period);
        Assert.Equal("alice", r.AuthName);
        Assert.Equal(new HostAndPort("pop.example.com", 1100), r.Host);
        Assert.Equal(Secret, _sealer.Unseal(r.Password));
        Assert.True(r.Leave);
        Assert.True(r.Apop);
        Assert.True(r.Tls);
        Assert.Equal("Archive", r.Mailbox);
        Assert.Null(r.Special);
    }

    [Fact]
    public void Create_without_flags_or_period_uses_the_defaults()
    {
        var r = (NewWork() with { Every = null }).ApplyTo(null, Plain, _sealer)!;

        Assert.Equal(PollPeriod.Default, r.Period);
        Assert.False(r.Leave);
        Assert.False(r.Apop);
        Assert.False(r.Tls);
        Assert.Null(r.Mailbox);
    }

    [Fact]
    public void Create_without_password_is_refused_naming_Password()
    {
        Refusal.Names("Password", "is required for a new record", () => (NewWork() with { Password = null }).ApplyTo(null, Plain, _sealer));
    }

    [Fact]
    public void Create_without_host_is_refused_naming_at_Host()
    {
        Refusal.Names("at Host", "is required", () => (NewWork() with { Host = null }).ApplyTo(null, Plain, _sealer));
    }

    [Fact]
    public void Create_without_account_is_refused_naming_Account()
    {
        Refusal.Names("Account", "is required", () => (NewWork() with { AuthName = null }).ApplyTo(null, Plain, _sealer));
    }

    [Fact]
    public void Every_bad_field_is_named_at_once()
    {
        var change = new RpopRecordChange("a/b") { Every = "often", Host = "pop.example.com:0", Mailbox = "a//b" };

        var ex = Assert.Throws<ValidationException>(() => change.ApplyTo(null, Plain, _sealer));

        Assert.Equal(
            new[] { "Account", "Mailbox", "Name", "Password", "Poll Every", "at Host" },
            ex.Errors.Select(e => e.Field).Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("often", "'often' is not a duration")]
    [InlineData("0s", "outside 1s..30d")]
    [InlineData("45d", "outside 1s..30d")]
    public void A_bad_period_is_refused_naming_Poll_Every(string every, string reason)
    {
        Refusal.Names("Poll Every", reason, () => (NewWork() with { Every = every }).ApplyTo(null, Plain, _sealer));
    }

    [Theory]
    [InlineData("pop.example.com:65536", "'pop.example.com:65536' port '65536'")]
    [InlineData("2001:db8::1", "brackets")]
    [InlineData("pop example.com", "has the character ' '")]
    [InlineData("", "is empty")]
    public void A_bad_host_is_refused_naming_at_Host(string host, string reason)
    {
        Refusal.Names("at Host", reason, () => (NewWork() with { Host = host }).ApplyTo(null, Plain, _sealer));
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("a:b", "cannot be in a folder or file name")]
    [InlineData(".rpopids", "starts with '.'")]
    public void A_bad_name_is_refused_naming_Name(string name, string reason)
    {
        var change = new RpopRecordChange(name) { AuthName = "alice", Host = "pop.example.com", Password = Secret };

        Refusal.Names("Name", reason, () => change.ApplyTo(null, Plain, _sealer));
    }

    [Fact]
    public void A_name_of_65_characters_is_refused_naming_Name()
    {
        var change = NewWork() with { Name = new string('n', 65) };

        Refusal.Names("Name", "longer than 64", () => change.ApplyTo(null, Plain, _sealer));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("pass\r\nDELE 1", "control character")]
    public void A_bad_password_is_refused_naming_Password_without_quoting_it(string password, string reason)
    {
        var ex = Refusal.Names("Password", reason, () => (NewWork() with { Password = password }).ApplyTo(null, Plain, _sealer));

        if (password.Length > 0) Assert.DoesNotContain(password, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_over_1024_characters_is_refused()
    {
        Assert.NotNull((NewWork() with { Password = new string('p', 1024) }).ApplyTo(null, Plain, _sealer));
        Refusal.Names("Password", "longer than 1024", () => (NewWork() with { Password = new string('p', 1025) }).ApplyTo(null, Plain, _sealer));
    }

    [Theory]
    [InlineData("alice\r\nQUIT", "control character")]
    [InlineData(null, "is required")]
    public void A_bad_account_is_refused_naming_Account(string? authName, string reason)
    {
        Refusal.Names("Account", reason, () => (NewWork() with { AuthName = authName }).ApplyTo(null, Plain, _sealer));
    }

    [Fact]
    public void An_account_over_255_characters_is_refused()
    {
        Refusal.Names("Account", "longer than 255", () => (NewWork() with { AuthName = new string('a', 256) }).ApplyTo(null, Plain, _sealer));
    }

    [Theory]
    [InlineData("a//b", "empty folder name")]
    [InlineData("/INBOX", "empty folder name")]
    [InlineData("   ", "empty folder name")]
    [InlineData("In\rbox", "control character")]
    public void A_bad_mailbox_is_refused_naming_Mailbox(string mailbox, string reason)
    {
        Refusal.Names("Mailbox", reason, () => (NewWork() with { Mailbox = mailbox }).ApplyTo(null, Plain, _sealer));
    }

    [Fact]
    public void Change_without_password_keeps_the_stored_one()
    {
        var existing = Existing();

        var changed = new RpopRecordChange("Work") { Every = "5m" }.ApplyTo(existing, Plain, _sealer)!;

        Assert.Equal(existing.Password, changed.Password);
        Assert.Equal(Secret, _sealer.Unseal(changed.Password));
    }

    [Fact]
    public void Change_keeps_every_field_it_does_not_name()
    {
        var existing = Existing();

        var changed = new RpopRecordChange("Work") { Every = "5m" }.ApplyTo(existing, Plain, _sealer)!;

        Assert.Equal(existing with { Period = PollPeriod.Every(TimeSpan.FromMinutes(5)) }, changed);
    }

    [Fact]
    public void Change_without_period_keeps_the_stored_period()
    {
        var existing = new RpopRecordChange("Work") { Every = "Disabled" }.ApplyTo(Existing(), Plain, _sealer)!;

        var changed = new RpopRecordChange("Work") { Leave = false }.ApplyTo(existing, Plain, _sealer)!;

        Assert.Equal(PollPeriod.Disabled, changed.Period);
        Assert.False(changed.Leave);
        Assert.True(changed.Apop);
    }

    [Fact]
    public void Change_with_a_password_seals_the_new_one()
    {
        var changed = new RpopRecordChange("Work") { Password = "new-one" }.ApplyTo(Existing(), Plain, _sealer)!;

        Assert.Equal("new-one", _sealer.Unseal(changed.Password));
    }

    [Fact]
    public void Empty_mailbox_and_special_clear_them()
    {
        var existing = Existing(Postmaster);
        Assert.NotNull(existing.Special);

        var changed = new RpopRecordChange("Work") { Mailbox = "", Special = "" }.ApplyTo(existing, Postmaster, _sealer)!;

        Assert.Null(changed.Mailbox);
        Assert.Null(changed.Special);
    }

    [Fact]
    public void Replace_resets_flags_mailbox_and_special_it_does_not_give_and_TLS_off_voids_the_password()
    {
        var existing = Existing(Postmaster);

        var replaced = new RpopRecordChange("Work") { Replace = true, Leave = true }.ApplyTo(existing, Postmaster, _sealer)!;

        Assert.True(replaced.Leave);
        Assert.False(replaced.Apop);
        Assert.False(replaced.Tls);
        Assert.Null(replaced.Mailbox);
        Assert.Null(replaced.Special);
        Assert.True(replaced.Password.IsNone);
    }

    [Fact]
    public void Replace_that_keeps_TLS_keeps_the_password()
    {
        var existing = Existing(Postmaster);

        var replaced = new RpopRecordChange("Work") { Replace = true, Tls = true }.ApplyTo(existing, Postmaster, _sealer)!;

        Assert.False(replaced.Apop);
        Assert.Equal(existing.Password, replaced.Password);
    }

    [Fact]
    public void Replace_of_a_new_record_still_requires_a_password()
    {
        var change = NewWork() with { Password = null, Replace = true };

        Refusal.Names("Password", "is required", () => change.ApplyTo(null, Plain, _sealer));
    }

    [Theory]
    [InlineData("Never")]
    [InlineData("never")]
    public void Never_returns_no_record(string never)
    {
        Assert.Null(new RpopRecordChange("Work") { Every = never }.ApplyTo(Existing(), Plain, _sealer));
        Assert.Null(new RpopRecordChange("Work") { Every = never }.ApplyTo(null, Plain, _sealer));
    }

    [Fact]
    public void Disabled_keeps_the_record_but_does_not_poll_it()
    {
        var r = new RpopRecordChange("Work") { Every = "disabled" }.ApplyTo(Existing(), Plain, _sealer);

        Assert.NotNull(r);
        Assert.True(r.Period.IsDisabled);
    }

    [Fact]
    public void Special_is_refused_when_the_rules_do_not_allow_it()
    {
        Refusal.Names("Special", "postmaster in the main domain",
            () => (NewWork() with { Special = "X-Real-To" }).ApplyTo(null, Plain, _sealer));
    }

    [Theory]
    [InlineData("X-Real-To", "X-Real-To")]
    [InlineData("*", "*")]
    [InlineData(" Delivered-To ", "Delivered-To")]
    public void Special_is_kept_when_the_rules_allow_it(string special, string stored)
    {
        var r = (NewWork() with { Special = special }).ApplyTo(null, Postmaster, _sealer)!;

        Assert.Equal(stored, r.Special);
    }

    [Theory]
    [InlineData("X-Real-To:", "not a header field name")]
    [InlineData("X Real", "not a header field name")]
    [InlineData("   ", "is empty")]
    public void A_bad_special_header_is_refused_naming_Special(string special, string reason)
    {
        Refusal.Names("Special", reason, () => (NewWork() with { Special = special }).ApplyTo(null, Postmaster, _sealer));
    }

    [Fact]
    public void The_password_is_sealed_never_stored_in_clear()
    {
        var r = NewWork().ApplyTo(null, Plain, _sealer)!;

        Assert.StartsWith("v1:k1:", r.Password.Ciphertext, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, r.Password.Ciphertext, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Secret)), r.Password.Ciphertext, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, r.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(r.Password.Ciphertext, r.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_never_contains_the_password()
    {
        var text = NewWork().ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("Password = (given)", text, StringComparison.Ordinal);
        Assert.Contains("pop.example.com:1100", text, StringComparison.Ordinal);
    }
}
