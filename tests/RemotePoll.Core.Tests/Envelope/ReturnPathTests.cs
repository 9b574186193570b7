using System.Runtime.InteropServices;
using System.Text;
using RemotePoll.Core.Envelope;
using Xunit;

namespace RemotePoll.Core.Tests.Envelope;

/// <summary>
/// Spec, Unified Domain-Wide Accounts: the Return-Path address becomes the envelope sender and the field is removed.
/// </summary>
public class ReturnPathTests
{
    private const string Rest = "From: Bob <bob@example.net>\r\nSubject: hi\r\n\r\nbody line\r\n";

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static (string? Sender, string Message) Extract(string message)
    {
        var (sender, bytes) = ReturnPath.Extract(Bytes(message));
        return (sender, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void The_address_in_angle_brackets_is_the_sender_and_the_field_is_removed()
    {
        Assert.Equal(("bob@example.net", Rest), Extract("Return-Path: <bob@example.net>\r\n" + Rest));
    }

    [Fact]
    public void The_null_sender_is_the_empty_address()
    {
        Assert.Equal(("", Rest), Extract("Return-Path: <>\r\n" + Rest));
    }

    [Fact]
    public void A_bare_address_is_the_sender()
    {
        Assert.Equal(("bob@example.net", Rest), Extract("Return-Path: bob@example.net\r\n" + Rest));
    }

    [Fact]
    public void The_field_name_is_matched_without_case()
    {
        Assert.Equal(("bob@example.net", Rest), Extract("RETURN-path: <bob@example.net>\r\n" + Rest));
    }

    [Fact]
    public void A_folded_field_is_read_unfolded_and_removed_with_its_continuation()
    {
        Assert.Equal(("bob@example.net", Rest), Extract("Return-Path:\r\n <bob@example.net>\r\n" + Rest));
    }

    [Fact]
    public void A_field_anywhere_in_the_header_is_removed_and_the_other_fields_keep_their_order()
    {
        var (sender, message) = Extract("Received: from x\r\n\tby y\r\nReturn-Path: <a@b.c>\r\n" + Rest);

        Assert.Equal("a@b.c", sender);
        Assert.Equal("Received: from x\r\n\tby y\r\n" + Rest, message);
    }

    [Fact]
    public void With_several_fields_the_first_one_wins_and_all_are_removed()
    {
        var (sender, message) = Extract(
            "Return-Path: <first@example.net>\r\nReceived: from x\r\nReturn-Path: <second@example.net>\r\nreturn-path: <>\r\n" + Rest);

        Assert.Equal("first@example.net", sender);
        Assert.Equal("Received: from x\r\n" + Rest, message);
    }

    [Theory]
    [InlineData("<bob@example.net")]
    [InlineData("bob")]
    [InlineData("<bob>")]
    [InlineData("<@example.net>")]
    [InlineData("<bob@>")]
    [InlineData("<bob smith@example.net>")]
    [InlineData("")]
    public void A_malformed_field_gives_no_sender_but_is_still_removed(string value)
    {
        Assert.Equal((null, Rest), Extract($"Return-Path: {value}\r\n" + Rest));
    }

    [Fact]
    public void Without_a_return_path_there_is_no_sender_and_the_message_is_unchanged()
    {
        var m = Bytes("Received: from x\r\n" + Rest);

        var (sender, result) = ReturnPath.Extract(m);

        Assert.Null(sender);
        Assert.Equal(m, result);
    }

    [Fact]
    public void A_return_path_in_the_body_is_neither_read_nor_removed()
    {
        var m = Bytes("From: a@b.c\r\n\r\nReturn-Path: <x@y.z>\r\n");

        var (sender, result) = ReturnPath.Extract(m);

        Assert.Null(sender);
        Assert.Equal(m, result);
    }

    [Fact]
    public void Lf_only_messages_are_handled_the_same_way()
    {
        Assert.Equal(("a@b.c", "Subject: hi\n\nbody\n"), Extract("Return-Path: <a@b.c>\nSubject: hi\n\nbody\n"));
    }

    [Fact]
    public void A_header_only_message_keeps_its_other_fields()
    {
        Assert.Equal(("a@b.c", "Subject: hi\r\n"), Extract("Return-Path: <a@b.c>\r\nSubject: hi\r\n"));
    }

    [Fact]
    public void The_body_comes_back_byte_for_byte()
    {
        byte[] body = [0x00, 0xFF, (byte)'\r', 0xC3, 0x28, .. Bytes("\r\nReturn-Path: <x@y.z>\r\n\r\n"), 0x80, (byte)'\n'];
        byte[] m = [.. Bytes("Return-Path: <a@b.c>\r\nSubject: hi\r\n\r\n"), .. body];

        var (sender, result) = ReturnPath.Extract(m);

        Assert.Equal("a@b.c", sender);
        Assert.Equal([.. Bytes("Subject: hi\r\n\r\n"), .. body], result);
    }

    [Theory]
    [InlineData("<bob@example.net>", "bob@example.net")]
    [InlineData("  < bob@example.net >  ", "bob@example.net")]
    [InlineData("<bob@example.net> (via list)", "bob@example.net")]
    [InlineData("< >", "")]
    [InlineData("j\u00f6rg@example.de", "j\u00f6rg@example.de")]
    public void Parse_reads_the_address(string value, string expected)
    {
        Assert.Equal(expected, ReturnPath.Parse(value));
    }

    [Fact]
    public void Parse_refuses_an_address_over_254_characters()
    {
        var local = new string('a', 64);
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)); // 243 characters

        Assert.Null(ReturnPath.Parse($"<{local}@{domain}>"));
        Assert.Equal($"{local[..10]}@{domain}", ReturnPath.Parse($"<{local[..10]}@{domain}>"));
    }

    [Theory]
    [InlineData("Return-Path: <a@b.c>\r\n" + Rest)]
    [InlineData("Return-Path: <a@b.c>\r\nReturn-Path: <x@y.z>\r\n" + Rest)]
    [InlineData("Return-Path:\r\n <folded@b.c>\r\n" + Rest)]
    [InlineData("Received: from x\r\nReturn-Path: <a@b.c>\r\n" + Rest)]
    [InlineData("Return-Path: <a@b.c>\r\nReceived: from x\r\nReturn-Path: <x@y.z>\r\n" + Rest)]
    [InlineData("Received: from x\r\n" + Rest)]
    [InlineData("Return-Path: <a@b.c>\nSubject: hi\n\nbody\n")]
    public void The_shared_extraction_gives_what_the_copying_one_gives(string message)
    {
        var m = Bytes(message);

        var (sender, shared) = ReturnPath.ExtractShared(m);

        var (expectedSender, expected) = ReturnPath.Extract(m);
        Assert.Equal(expectedSender, sender);
        Assert.Equal(expected, shared.ToArray());
    }

    [Theory]
    [InlineData("Return-Path: <a@b.c>\r\n" + Rest, 22)]
    [InlineData("Return-Path: <a@b.c>\r\nReturn-Path: <x@y.z>\r\n" + Rest, 44)]
    [InlineData("Received: from x\r\n" + Rest, 0)]
    public void Fields_only_at_the_start_cost_no_copy_of_the_message(string message, int removed)
    {
        var m = Bytes(message);

        var (_, shared) = ReturnPath.ExtractShared(m);

        Assert.True(MemoryMarshal.TryGetArray(shared, out var segment));
        Assert.Same(m, segment.Array);
        Assert.Equal(removed, segment.Offset);
        Assert.Equal(m.Length - removed, segment.Count);
    }
}
