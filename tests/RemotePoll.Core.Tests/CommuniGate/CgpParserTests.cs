using System.Net;
using RemotePoll.Core.CommuniGate;
using Xunit;

namespace RemotePoll.Core.Tests.CommuniGate;

public sealed class CgpParserTests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("My2ndName", "My2ndName")]
    [InlineData("10m", "10m")]
    [InlineData("pop.example.com", "pop.example.com")]
    [InlineData("john_doe-2@example.com", "john_doe-2@example.com")]
    public void Atom_is_read_as_a_string(string text, string expected) =>
        Assert.Equal(new CgpString(expected), CgpParser.Parse(text));

    [Theory]
    [InlineData("\"My Name with spaces and the . symbol\"", "My Name with spaces and the . symbol")]
    [InlineData("\"\"", "")]
    [InlineData("\"pop.example.com:110\"", "pop.example.com:110")]
    [InlineData("\"Grüße, 日本語, 🦆\"", "Grüße, 日本語, 🦆")]
    [InlineData("\"a\ttab\"", "a\ttab")]
    public void Quoted_string_is_read_as_its_text(string text, string expected) =>
        Assert.Equal(new CgpString(expected), CgpParser.Parse(text));

    [Theory]
    [InlineData(@"""a \""string\"" within string""", "a \"string\" within string")]
    [InlineData(@"""Single \\ backslash""", "Single \\ backslash")]
    [InlineData(@"""TEXT3\rTEXT67\nTEXT78""", "TEXT3\rTEXT67\nTEXT78")]
    [InlineData(@"""Line1:\tField1\eLine2""", "Line1:\tField1\nLine2")]
    [InlineData(@"""Vertical \011 tab and \001 and \127""", "Vertical \v tab and \u0001 and \u007F")]
    [InlineData(@"""\065\066C""", "ABC")]
    public void Escapes_in_quoted_strings_are_decoded(string text, string expected) =>
        Assert.Equal(new CgpString(expected), CgpParser.Parse(text));

    [Theory]
    [InlineData("#0", 0L)]
    [InlineData("#123", 123L)]
    [InlineData("#-5", -5L)]
    [InlineData("#007", 7L)]
    [InlineData("#9223372036854775807", long.MaxValue)]
    [InlineData("#-9223372036854775808", long.MinValue)]
    public void Number_is_read_as_a_64_bit_integer(string text, long expected) =>
        Assert.Equal(new CgpNumber(expected), CgpParser.Parse(text));

    [Fact]
    public void Data_block_is_read_from_base64()
    {
        var value = Assert.IsType<CgpData>(CgpParser.Parse("[HcqHfHI=]"));
        Assert.Equal(new byte[] { 0x1D, 0xCA, 0x87, 0x7C, 0x72 }, value.Bytes.ToArray());
    }

    [Fact]
    public void Data_block_may_be_empty_or_broken_over_lines()
    {
        Assert.Equal(CgpData.Empty, CgpParser.Parse("[]"));
        Assert.Equal(new CgpData([0x1D, 0xCA, 0x87, 0x7C, 0x72]), CgpParser.Parse("[HcqH\r\n  fHI=]"));
    }

    [Fact]
    public void Timestamp_is_read_as_day_month_year_and_utc_time()
    {
        var value = Assert.IsType<CgpTimestamp>(CgpParser.Parse("#T22-10-2024_14:03:27"));
        Assert.Equal(new DateTimeOffset(2024, 10, 22, 14, 3, 27, TimeSpan.Zero), value.Value);
        Assert.Equal(TimeSpan.Zero, value.Value.Offset);
    }

    [Fact]
    public void Timestamp_without_a_time_is_midnight_utc()
    {
        var value = Assert.IsType<CgpTimestamp>(CgpParser.Parse("#T29-02-2024"));
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero), value.Value);
    }

    [Fact]
    public void Past_and_future_timestamps_are_the_special_values()
    {
        Assert.Same(CgpTimestamp.Past, CgpParser.Parse("#TPAST"));
        Assert.Same(CgpTimestamp.Future, CgpParser.Parse("#TFUTURE"));
        Assert.True(CgpTimestamp.Past.IsPast);
        Assert.True(CgpTimestamp.Future.IsFuture);
    }

    [Theory]
    [InlineData("#I[1.2.3.4]", "1.2.3.4", null)]
    [InlineData("#I[192.168.0.1]:110", "192.168.0.1", 110)]
    [InlineData("#I[::1]", "::1", null)]
    [InlineData("#I[2001:DB8::7]:995", "2001:db8::7", 995)]
    [InlineData("#I[::ffff:10.0.0.1]:0", "::ffff:10.0.0.1", 0)]
    public void Ip_address_is_read_with_its_optional_port(string text, string address, int? port) =>
        Assert.Equal(new CgpIpAddress(IPAddress.Parse(address), port), CgpParser.Parse(text));

    [Fact]
    public void Null_is_the_null_object() =>
        Assert.Same(CgpNull.Instance, CgpParser.Parse("#NULL#"));

    [Fact]
    public void Array_keeps_its_elements_in_order()
    {
        var value = CgpParser.Parse("(a, \"b c\", #3, #NULL#, (), {})");
        Assert.Equal(new CgpArray("a", "b c", 3, CgpNull.Instance, CgpArray.Empty, CgpDictionary.Empty), value);
    }

    [Fact]
    public void Empty_array_and_empty_dictionary_are_read()
    {
        Assert.Equal(CgpArray.Empty, CgpParser.Parse("()"));
        Assert.Equal(CgpArray.Empty, CgpParser.Parse("(  \n )"));
        Assert.Equal(CgpDictionary.Empty, CgpParser.Parse("{}"));
        Assert.Equal(CgpDictionary.Empty, CgpParser.Parse("{ \t }"));
    }

    [Fact]
    public void Dictionary_keeps_keys_in_order_and_case()
    {
        var value = Assert.IsType<CgpDictionary>(CgpParser.Parse("{b=#1; a=#2; \"A key\"=x; A=y;}"));
        Assert.Equal(["b", "a", "A key", "A"], value.Keys);
        Assert.Equal(new CgpString("y"), value["A"]);
        Assert.Equal(new CgpNumber(2), value["a"]);
    }

    [Fact]
    public void Whitespace_of_any_kind_may_separate_tokens()
    {
        var value = CgpParser.Parse(" \r\n\t{ a\t=\r\n( x ,\ty\n) ;\r b = #1 ; }\n\n ");
        Assert.Equal(new CgpDictionary(("a", new CgpArray("x", "y")), ("b", 1)), value);
    }

    [Fact]
    public void Realistic_rpop_dictionary_is_read_into_its_records()
    {
        const string text = """
            { home = { domain = "pop.example.com:110"; authName = john; password = secret; leave = YES;
                       TLS = YES; APOP = YES; period = 10m; mailbox = INBOX; };
              work = { domain = "[2001:db8::1]:995"; authName = "j.doe"; password = "p@ss \"word\"";
                       extOrder = #T22-10-2024_14:03:27; }; }
            """;

        var rpops = Assert.IsType<CgpDictionary>(CgpParser.Parse(text));

        Assert.Equal(["home", "work"], rpops.Keys);
        Assert.True(rpops.TryGetDictionary("home", out var home));
        Assert.Equal(
            new CgpDictionary(
                ("domain", "pop.example.com:110"), ("authName", "john"), ("password", "secret"),
                ("leave", "YES"), ("TLS", "YES"), ("APOP", "YES"), ("period", "10m"),
                ("mailbox", "INBOX")),
            home);
        Assert.True(home.TryGetString("domain", out var domain));
        Assert.Equal("pop.example.com:110", domain);
        var work = Assert.IsType<CgpDictionary>(rpops["work"]);
        Assert.True(work.TryGetString("password", out var password));
        Assert.Equal("p@ss \"word\"", password);
        Assert.Equal(new CgpTimestamp(new DateTimeOffset(2024, 10, 22, 14, 3, 27, TimeSpan.Zero)), work["extOrder"]);
    }

    [Fact]
    public void Nesting_of_exactly_the_maximum_depth_is_read()
    {
        var text = new string('(', CgpParser.MaxDepth) + new string(')', CgpParser.MaxDepth);

        var value = CgpParser.Parse(text);

        var depth = 0;
        while (value is CgpArray { Count: > 0 } array) { depth++; value = array[0]; }
        Assert.Equal(CgpParser.MaxDepth - 1, depth);
        Assert.Equal(CgpArray.Empty, value);
    }

    [Fact]
    public void Input_of_exactly_the_maximum_length_is_read()
    {
        var text = "\"" + new string('x', CgpParser.MaxLength - 2) + "\"";

        var value = Assert.IsType<CgpString>(CgpParser.Parse(text));

        Assert.Equal(CgpParser.MaxLength - 2, value.Value.Length);
    }
}
