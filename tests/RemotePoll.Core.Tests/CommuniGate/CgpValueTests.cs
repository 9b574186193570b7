using System.Net;
using RemotePoll.Core.CommuniGate;
using Xunit;

namespace RemotePoll.Core.Tests.CommuniGate;

public sealed class CgpValueTests
{
    [Fact]
    public void Values_of_the_same_content_are_equal_and_hash_alike()
    {
        (CgpValue, CgpValue)[] pairs =
        [
            (new CgpString("x"), new CgpString("x")),
            (new CgpNumber(5), new CgpNumber(5)),
            (new CgpData([1, 2, 3]), new CgpData([1, 2, 3])),
            (new CgpTimestamp(new DateTimeOffset(2024, 10, 22, 14, 3, 27, TimeSpan.Zero)),
             new CgpTimestamp(new DateTimeOffset(2024, 10, 22, 16, 3, 27, 999, TimeSpan.FromHours(2)))),
            (new CgpIpAddress(IPAddress.Parse("1.2.3.4"), 110), new CgpIpAddress(IPAddress.Parse("1.2.3.4"), 110)),
            (new CgpArray("a", 1), new CgpArray("a", 1)),
            (new CgpDictionary(("a", 1), ("b", "x")), new CgpDictionary(("a", 1), ("b", "x"))),
        ];
        foreach (var (left, right) in pairs)
        {
            Assert.Equal(left, right);
            Assert.Equal(left.GetHashCode(), right.GetHashCode());
        }
    }

    [Fact]
    public void Values_of_different_content_or_kind_differ()
    {
        Assert.NotEqual<CgpValue>(new CgpString("x"), new CgpString("X"));
        Assert.NotEqual<CgpValue>(new CgpString("5"), new CgpNumber(5));
        Assert.NotEqual<CgpValue>(new CgpData([1, 2]), new CgpData([1, 2, 3]));
        Assert.NotEqual<CgpValue>(new CgpIpAddress(IPAddress.Parse("1.2.3.4")), new CgpIpAddress(IPAddress.Parse("1.2.3.4"), 110));
        Assert.NotEqual<CgpValue>(new CgpArray("a", "b"), new CgpArray("b", "a"));
        Assert.NotEqual<CgpValue>(CgpArray.Empty, CgpDictionary.Empty);
        Assert.NotEqual<CgpValue>(new CgpDictionary(("a", 1)), new CgpDictionary(("A", 1)));
        Assert.NotEqual<CgpValue>(new CgpDictionary(("a", 1)), new CgpDictionary(("a", 2)));
    }

    [Fact]
    public void Dictionaries_with_the_same_pairs_in_another_order_are_equal_but_keep_their_order()
    {
        var ab = new CgpDictionary(("a", 1), ("b", 2));
        var ba = new CgpDictionary(("b", 2), ("a", 1));

        Assert.Equal(ab, ba);
        Assert.Equal(ab.GetHashCode(), ba.GetHashCode());
        Assert.Equal("{b=#2;a=#1;}", CgpPrinter.Print(ba));
    }

    [Fact]
    public void Timestamp_keeps_whole_seconds_in_utc()
    {
        var value = new CgpTimestamp(new DateTimeOffset(2024, 10, 22, 16, 3, 27, 999, TimeSpan.FromHours(2)));

        Assert.Equal(new DateTimeOffset(2024, 10, 22, 14, 3, 27, TimeSpan.Zero), value.Value);
        Assert.Equal(TimeSpan.Zero, value.Value.Offset);
        Assert.False(value.IsPast || value.IsFuture);
    }

    [Fact]
    public void Extreme_moments_are_past_and_future()
    {
        Assert.Equal(CgpTimestamp.Past, new CgpTimestamp(DateTimeOffset.MinValue));
        Assert.Equal(CgpTimestamp.Future, new CgpTimestamp(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Data_copies_its_bytes()
    {
        byte[] bytes = [1, 2, 3];
        var value = new CgpData(bytes);

        bytes[0] = 9;

        Assert.Equal(new byte[] { 1, 2, 3 }, value.Bytes.ToArray());
    }

    [Fact]
    public void Ip_address_copies_its_address_and_refuses_scopes_and_bad_ports()
    {
        Assert.Throws<ArgumentException>(() => new CgpIpAddress(IPAddress.Parse("fe80::1%2")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CgpIpAddress(IPAddress.Loopback, 65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CgpIpAddress(IPAddress.Loopback, -1));
        Assert.NotSame(IPAddress.Loopback, new CgpIpAddress(IPAddress.Loopback).Address);
    }

    [Fact]
    public void String_refuses_text_that_has_no_utf8_form_or_holds_a_zero()
    {
        Assert.Throws<ArgumentException>(() => new CgpString("a\0b"));
        Assert.Throws<ArgumentException>(() => new CgpString("a\uD800"));
        Assert.Throws<ArgumentException>(() => new CgpString("\uDC00a"));
        Assert.Equal("🦆", new CgpString("🦆").Value);
    }

    [Fact]
    public void Dictionary_refuses_duplicate_keys_and_null_values()
    {
        Assert.Throws<ArgumentException>(() => new CgpDictionary(("a", 1), ("a", 2)));
        Assert.Throws<ArgumentNullException>(() => new CgpDictionary(("a", null!)));
        Assert.Throws<ArgumentException>(() => new CgpDictionary(("a\0", 1)));
    }

    [Fact]
    public void Array_refuses_null_elements() =>
        Assert.Throws<ArgumentNullException>(() => new CgpArray("a", null!));

    [Fact]
    public void Dictionary_helpers_find_strings_and_dictionaries_only_of_that_kind()
    {
        var record = new CgpDictionary(("domain", "pop.example.com"), ("port", 110), ("home", CgpDictionary.Empty));

        Assert.True(record.TryGetString("domain", out var domain));
        Assert.Equal("pop.example.com", domain);
        Assert.False(record.TryGetString("port", out _));
        Assert.False(record.TryGetString("Domain", out _));
        Assert.True(record.TryGetDictionary("home", out var home));
        Assert.Equal(CgpDictionary.Empty, home);
        Assert.False(record.TryGetDictionary("domain", out _));
        Assert.True(record.ContainsKey("port"));
        Assert.Equal(new CgpNumber(110), record["port"]);
        Assert.Throws<KeyNotFoundException>(() => record["missing"]);
    }
}
