using System.Net;
using RemotePoll.Core.CommuniGate;
using Xunit;

namespace RemotePoll.Core.Tests.CommuniGate;

public sealed class CgpPrinterTests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("10m", "10m")]
    [InlineData("", "\"\"")]
    [InlineData("pop.example.com:110", "\"pop.example.com:110\"")]
    [InlineData("j.doe", "\"j.doe\"")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("Grüße 🦆", "\"Grüße 🦆\"")]
    public void String_is_an_atom_only_when_it_is_letters_and_digits(string value, string expected) =>
        Assert.Equal(expected, CgpPrinter.Print(new CgpString(value)));

    [Theory]
    [InlineData("say \"hi\"", @"""say \""hi\""""")]
    [InlineData(@"C:\dir", @"""C:\\dir""")]
    [InlineData("a\r\nb", @"""a\r\nb""")]
    [InlineData("a\tb", @"""a\tb""")]
    [InlineData("bell\u0007 del\u007F", @"""bell\007 del\127""")]
    public void Special_characters_are_escaped(string value, string expected) =>
        Assert.Equal(expected, CgpPrinter.Print(new CgpString(value)));

    [Fact]
    public void Every_atomic_kind_has_its_canonical_text()
    {
        Assert.Equal("#-5", CgpPrinter.Print(new CgpNumber(-5)));
        Assert.Equal("#9223372036854775807", CgpPrinter.Print(new CgpNumber(long.MaxValue)));
        Assert.Equal("[HcqHfHI=]", CgpPrinter.Print(new CgpData([0x1D, 0xCA, 0x87, 0x7C, 0x72])));
        Assert.Equal("[]", CgpPrinter.Print(CgpData.Empty));
        Assert.Equal("#T05-01-2024_04:03:07",
            CgpPrinter.Print(new CgpTimestamp(new DateTimeOffset(2024, 1, 5, 6, 3, 7, TimeSpan.FromHours(2)))));
        Assert.Equal("#TPAST", CgpPrinter.Print(CgpTimestamp.Past));
        Assert.Equal("#TFUTURE", CgpPrinter.Print(CgpTimestamp.Future));
        Assert.Equal("#I[10.0.0.1]", CgpPrinter.Print(new CgpIpAddress(IPAddress.Parse("10.0.0.1"))));
        Assert.Equal("#I[2001:db8::1]:995", CgpPrinter.Print(new CgpIpAddress(IPAddress.Parse("2001:DB8::1"), 995)));
        Assert.Equal("#NULL#", CgpPrinter.Print(CgpNull.Instance));
    }

    [Fact]
    public void Containers_are_printed_on_one_line_without_spaces()
    {
        var value = new CgpDictionary(
            ("home", new CgpDictionary(("domain", "pop.example.com:110"), ("leave", "YES"))),
            ("list", new CgpArray("a", 1, CgpArray.Empty, CgpDictionary.Empty)),
            ("a key", CgpNull.Instance));

        Assert.Equal("{home={domain=\"pop.example.com:110\";leave=YES;};list=(a,#1,(),{});\"a key\"=#NULL#;}",
            CgpPrinter.Print(value));
    }

    [Fact]
    public void Realistic_rpop_dictionary_prints_to_text_that_parses_back_equal()
    {
        var rpops = CgpParser.Parse("""
            { home = { domain = "pop.example.com:110"; authName = john; password = secret; leave = YES;
                       TLS = YES; APOP = YES; period = 10m; mailbox = INBOX; }; }
            """);

        var text = CgpPrinter.Print(rpops);

        Assert.Equal("{home={domain=\"pop.example.com:110\";authName=john;password=secret;leave=YES;TLS=YES;APOP=YES;period=10m;mailbox=INBOX;};}", text);
        Assert.Equal(rpops, CgpParser.Parse(text));
    }

    [Fact]
    public void Value_nested_deeper_than_the_parser_accepts_is_refused()
    {
        CgpValue value = CgpArray.Empty;
        for (var i = 1; i < CgpParser.MaxDepth; i++) value = new CgpArray(value);
        Assert.Equal(value, CgpParser.Parse(CgpPrinter.Print(value)));

        var tooDeep = new CgpArray(value);

        Assert.Throws<ArgumentException>(() => CgpPrinter.Print(tooDeep));
        Assert.Equal(new string('(', CgpParser.MaxDepth) + "..." + new string(')', CgpParser.MaxDepth), tooDeep.ToString());
    }

    [Fact]
    public void ToString_is_the_canonical_text() =>
        Assert.Equal("(a,#2)", new CgpArray("a", 2).ToString());
}
