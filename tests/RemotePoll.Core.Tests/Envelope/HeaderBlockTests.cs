using System.Text;
using RemotePoll.Core.Envelope;
using Xunit;

namespace RemotePoll.Core.Tests.Envelope;

/// <summary>Splitting a raw RFC 5322 message into header fields without touching a byte of the body.</summary>
public class HeaderBlockTests
{
    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string[] Names(byte[] message) => HeaderBlock.Fields(message).Select(f => f.Name).ToArray();

    private static string Raw(byte[] message, Range r) => Encoding.UTF8.GetString(message[r]);

    [Fact]
    public void The_body_starts_after_the_empty_line()
    {
        var m = Bytes("From: a@b.c\r\nSubject: hi\r\n\r\nbody\r\n");

        Assert.Equal("body\r\n", Encoding.ASCII.GetString(m[HeaderBlock.BodyStart(m)..]));
    }

    [Fact]
    public void Lf_only_messages_are_split_the_same_way()
    {
        var m = Bytes("From: a@b.c\nSubject: hi\n there\n\nbody\n");

        Assert.Equal("body\n", Encoding.ASCII.GetString(m[HeaderBlock.BodyStart(m)..]));
        var fields = HeaderBlock.Fields(m);
        Assert.Equal(["From", "Subject"], fields.Select(f => f.Name));
        Assert.Equal("Subject: hi\n there\n", Raw(m, fields[1].Range));
        Assert.Equal("hi there", HeaderBlock.Value(m, fields[1].Range));
    }

    [Fact]
    public void A_message_without_an_empty_line_is_all_header()
    {
        var m = Bytes("From: a@b.c\r\nSubject: hi\r\n");

        Assert.Equal(m.Length, HeaderBlock.BodyStart(m));
        Assert.Equal(["From", "Subject"], Names(m));
    }

    [Fact]
    public void A_last_header_line_without_a_line_end_is_a_whole_field()
    {
        var m = Bytes("From: a@b.c\r\nSubject: hi");

        Assert.Equal(m.Length, HeaderBlock.BodyStart(m));
        var fields = HeaderBlock.Fields(m);
        Assert.Equal("Subject: hi", Raw(m, fields[1].Range));
        Assert.Equal("hi", HeaderBlock.Value(m, fields[1].Range));
    }

    [Fact]
    public void A_header_only_message_ending_with_the_empty_line_has_an_empty_body()
    {
        var m = Bytes("From: a@b.c\r\n\r\n");

        Assert.Equal(m.Length, HeaderBlock.BodyStart(m));
        Assert.Equal(["From"], Names(m));
    }

    [Fact]
    public void A_message_starting_with_the_empty_line_has_no_fields()
    {
        var m = Bytes("\r\nFrom: a@b.c\r\n");

        Assert.Equal(2, HeaderBlock.BodyStart(m));
        Assert.Empty(HeaderBlock.Fields(m));
    }

    [Fact]
    public void An_empty_message_has_no_fields_and_no_body()
    {
        Assert.Equal(0, HeaderBlock.BodyStart([]));
        Assert.Empty(HeaderBlock.Fields([]));
    }

    [Fact]
    public void A_folded_field_keeps_its_continuation_lines_and_its_value_is_unfolded()
    {
        var m = Bytes("Subject: a long\r\n  subject\r\n\tline\r\nTo: x@y.z\r\n\r\nbody");

        var fields = HeaderBlock.Fields(m);

        Assert.Equal(["Subject", "To"], fields.Select(f => f.Name));
        Assert.Equal("Subject: a long\r\n  subject\r\n\tline\r\n", Raw(m, fields[0].Range));
        Assert.Equal("a long  subject\tline", HeaderBlock.Value(m, fields[0].Range));
        Assert.Equal("To: x@y.z\r\n", Raw(m, fields[1].Range));
    }

    [Fact]
    public void Fields_cover_the_header_exactly_and_in_order()
    {
        var m = Bytes("A: 1\r\nB: 2\r\n 2b\r\nC: 3\r\n\r\nbody");

        var fields = HeaderBlock.Fields(m);

        var offsets = fields.Select(f => f.Range.GetOffsetAndLength(m.Length)).ToList();
        Assert.Equal(0, offsets[0].Offset);
        for (var i = 1; i < offsets.Count; i++) Assert.Equal(offsets[i - 1].Offset + offsets[i - 1].Length, offsets[i].Offset);
        Assert.Equal(HeaderBlock.BodyStart(m) - 2, offsets[^1].Offset + offsets[^1].Length);
    }

    [Fact]
    public void Lines_after_the_empty_line_are_body_not_fields()
    {
        var m = Bytes("From: a@b.c\r\n\r\nReturn-Path: <x@y.z>\r\nSubject: not a field\r\n");

        Assert.Equal(["From"], Names(m));
    }

    [Fact]
    public void Field_names_keep_their_case_and_lose_surrounding_blanks()
    {
        var m = Bytes("return-PATH : <a@b.c>\r\nX-Odd:v\r\n\r\n");

        Assert.Equal(["return-PATH", "X-Odd"], Names(m));
        Assert.Equal("v", HeaderBlock.Value(m, HeaderBlock.Fields(m)[1].Range));
    }

    [Fact]
    public void A_value_is_decoded_as_utf8()
    {
        var m = Bytes("Subject: gr\u00fc\u00df dich\r\n\r\n");

        Assert.Equal("gr\u00fc\u00df dich", HeaderBlock.Value(m, HeaderBlock.Fields(m)[0].Range));
    }

    [Fact]
    public void Without_removes_the_given_fields_in_any_order_and_keeps_the_rest()
    {
        var m = Bytes("A: 1\r\nB: 2\r\n 2b\r\nC: 3\r\nD: 4\r\n\r\nbody");
        var f = HeaderBlock.Fields(m);

        var result = HeaderBlock.Without(m, [f[3].Range, f[1].Range]);

        Assert.Equal("A: 1\r\nC: 3\r\n\r\nbody", Encoding.ASCII.GetString(result));
    }

    [Fact]
    public void Without_nothing_is_a_copy_of_the_message()
    {
        var m = Bytes("A: 1\r\n\r\nbody");

        var result = HeaderBlock.Without(m, []);

        Assert.Equal(m, result);
        Assert.NotSame(m, result);
    }

    [Fact]
    public void Without_leaves_every_body_byte_untouched()
    {
        // A body that is not text: NULs, bare CRs, high bytes, invalid UTF-8, and header-like lines.
        byte[] body = [0x00, 0xFF, 0xFE, (byte)'\r', (byte)'\r', (byte)'\n', 0xC3, 0x28, 0x80,
            .. Bytes("\r\nA: 1\r\n\r\n\n"), 0x00, (byte)'\r'];
        byte[] m = [.. Bytes("A: 1\r\nB: 2\r\n\r\n"), .. body];
        var fields = HeaderBlock.Fields(m);

        var result = HeaderBlock.Without(m, [fields[0].Range]);

        Assert.Equal([.. Bytes("B: 2\r\n\r\n"), .. body], result);
        Assert.Equal(body, result[HeaderBlock.BodyStart(result)..]);
    }
}
