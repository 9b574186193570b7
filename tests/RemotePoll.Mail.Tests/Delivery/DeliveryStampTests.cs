using System.Runtime.InteropServices;
using System.Text;
using RemotePoll.Core.Envelope;
using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// Where <see cref="DeliveryStamp.Stamp"/> puts the field: first, or right after the Return-Path fields that open the
/// message, so that the queue's removal of those (<see cref="ReturnPath.ExtractShared"/>) keeps the stamped copy's
/// memory instead of copying the message once more.
/// </summary>
public sealed class DeliveryStampTests
{
    [Fact]
    public void Stamp_BehindTheOpeningReturnPath_TheQueueSendsTheStampedCopyItself()
    {
        var message = Encoding.ASCII.GetBytes("Return-Path: <a@remote.example>\r\nreturn-path: <b@remote.example\r\n\t>\r\nSubject: s\r\n\r\nbody\r\n");

        var stamped = DeliveryStamp.Stamp(message, "0123");
        var (sender, queued) = ReturnPath.ExtractShared(stamped);

        Assert.Equal("a@remote.example", sender);
        Assert.Equal("X-RemotePoll-Delivery: 0123\r\nSubject: s\r\n\r\nbody\r\n", Encoding.ASCII.GetString(queued.Span));
        Assert.True(MemoryMarshal.TryGetArray(queued, out var segment));
        Assert.Same(stamped, segment.Array);
        Assert.Equal("0123", DeliveryStamp.Find(stamped));
    }

    [Theory]
    [InlineData("Subject: a\n\nbody\n", "X-RemotePoll-Delivery: 0123\nSubject: a\n\nbody\n")]
    [InlineData("Subject: a\r\nReturn-Path: <a@remote.example>\r\n\r\nbody", "X-RemotePoll-Delivery: 0123\r\nSubject: a\r\nReturn-Path: <a@remote.example>\r\n\r\nbody")]
    [InlineData("Return-Path: <a@remote.example>", "X-RemotePoll-Delivery: 0123\r\nReturn-Path: <a@remote.example>")]
    public void Stamp_WithoutAnOpeningReturnPathField_IsTheFirstLine(string message, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(DeliveryStamp.Stamp(Encoding.ASCII.GetBytes(message), "0123")));
}
