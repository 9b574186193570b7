using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.Settings;

public class DomainDirectoryTests
{
    private static DomainDirectory Set(DomainDirectory d, string name, IReadOnlyList<string>? ips = null, bool? main = null) =>
        d.Apply(d.Prepare(name, ips, main));

    [Fact]
    public void An_empty_directory_has_no_main_domain()
    {
        Assert.Null(DomainDirectory.Empty.MainDomain);
        Assert.Empty(DomainDirectory.Empty.Domains);
    }

    [Fact]
    public void Prepare_normalizes_the_domain_name()
    {
        var d = DomainDirectory.Empty.Prepare("  Example.COM. ", null, null);

        Assert.Equal("example.com", d.Name);
        Assert.Empty(d.AssignedIps);
        Assert.False(d.IsMain);
    }

    [Fact]
    public void Only_one_domain_is_main_at_a_time()
    {
        var d = Set(Set(DomainDirectory.Empty, "a.example", main: true), "b.example", main: true);

        Assert.Equal("b.example", d.MainDomain);
        Assert.False(d.Domains["a.example"].IsMain);
        Assert.Single(d.Domains.Values, x => x.IsMain);
    }

    [Fact]
    public void Adding_a_domain_that_is_not_main_keeps_the_main_domain()
    {
        var d = Set(Set(DomainDirectory.Empty, "a.example", main: true), "b.example");

        Assert.Equal("a.example", d.MainDomain);
        Assert.Equal(2, d.Domains.Count);
    }

    [Fact]
    public void A_change_that_does_not_name_ips_or_main_keeps_them()
    {
        var d = Set(DomainDirectory.Empty, "a.example", ["192.0.2.1", "2001:db8::1"], main: true);

        var again = d.Prepare("A.EXAMPLE", null, null);

        Assert.Equal(new[] { "192.0.2.1", "2001:db8::1" }, again.AssignedIps);
        Assert.True(again.IsMain);
    }

    [Fact]
    public void An_empty_ip_list_clears_the_assigned_addresses_and_main_false_demotes()
    {
        var d = Set(DomainDirectory.Empty, "a.example", ["192.0.2.1"], main: true);

        d = Set(d, "a.example", [], main: false);

        Assert.Empty(d.Domains["a.example"].AssignedIps);
        Assert.Null(d.MainDomain);
    }

    [Fact]
    public void Assigned_addresses_are_stored_in_canonical_form_and_in_order()
    {
        var d = DomainDirectory.Empty.Prepare("a.example", [" 2001:DB8:0::7 ", "198.51.100.4"], null);

        Assert.Equal(new[] { "2001:db8::7", "198.51.100.4" }, d.AssignedIps);
    }

    [Theory]
    [InlineData("300.1.1.1")]
    [InlineData("mail.example.com")]
    [InlineData("10.1")]
    [InlineData("")]
    public void A_bad_IP_address_is_refused_naming_ip(string ip)
    {
        Refusal.Names("ip", $"'{ip}' is not an IP address", () => DomainDirectory.Empty.Prepare("a.example", ["192.0.2.1", ip], null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("exa mple.com")]
    [InlineData("example.com:25")]
    [InlineData("192.0.2.1")]
    [InlineData("-bad.example")]
    [InlineData("a..example")]
    [InlineData("[2001:db8::1]")]
    public void A_bad_domain_name_is_refused_naming_domain(string name)
    {
        Refusal.Names("domain", "is not a domain name", () => DomainDirectory.Empty.Prepare(name, null, null));
    }

    [Fact]
    public void A_bad_name_and_a_bad_ip_are_named_together()
    {
        var ex = Assert.Throws<ValidationException>(() => DomainDirectory.Empty.Prepare("bad name", ["nope"], null));

        Assert.Equal(new[] { "domain", "ip" }, ex.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Remove_forgets_the_domain_and_its_main_flag()
    {
        var d = Set(Set(DomainDirectory.Empty, "a.example", main: true), "b.example");

        d = d.Remove(" A.Example ");

        Assert.Equal(new[] { "b.example" }, d.Domains.Keys);
        Assert.Null(d.MainDomain);
    }

    [Fact]
    public void DomainOf_finds_the_domain_of_an_account()
    {
        var d = Set(DomainDirectory.Empty, "example.com", ["192.0.2.1"]);

        Assert.Equal("example.com", d.DomainOf("Alice@Example.com")?.Name);
        Assert.Null(d.DomainOf("alice@other.example"));
        Assert.Null(d.DomainOf("no-at-sign"));
    }

    [Fact]
    public void Domain_settings_are_equal_by_value_including_the_addresses()
    {
        var a = new DomainSettings("a.example", ["192.0.2.1"], true);

        Assert.Equal(a, new DomainSettings("a.example", new List<string> { "192.0.2.1" }, true));
        Assert.NotEqual(a, new DomainSettings("a.example", ["192.0.2.2"], true));
        Assert.NotEqual(a, a with { IsMain = false });
    }
}
