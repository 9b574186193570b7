using Xunit;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Tests.Delivery;

public sealed class MaildirFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Moving_into_place_never_replaces_a_file_already_there()
    {
        var (from, to) = (Path.Combine(_dir.Path, "tmp-file"), Path.Combine(_dir.Path, "final-file"));
        MaildirFile.Write(from, "new "u8.ToArray(), "message"u8.ToArray(), null);
        File.WriteAllText(to, "earlier message");

        Assert.Throws<IOException>(() => MaildirFile.Move(from, to));

        Assert.Equal("earlier message", File.ReadAllText(to));
        Assert.Equal("new message", File.ReadAllText(from));
    }

    [Fact]
    public void Writing_never_opens_an_existing_file_and_leaves_it_unchanged()
    {
        var path = Path.Combine(_dir.Path, "taken");
        File.WriteAllText(path, "someone else's");

        var e = Assert.Throws<IOException>(() => MaildirFile.Write(path, ReadOnlyMemory<byte>.Empty, "mine"u8.ToArray(), DateTimeOffset.UnixEpoch));

        Assert.Contains("taken", e.Message);
        Assert.Equal("someone else's", File.ReadAllText(path));
        Assert.NotEqual(DateTime.UnixEpoch, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void A_moved_file_keeps_its_content_and_mtime_and_leaves_its_old_name()
    {
        var (from, to) = (Path.Combine(_dir.Path, "a"), Path.Combine(_dir.Path, "b"));
        var date = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(-5));
        MaildirFile.Write(from, ReadOnlyMemory<byte>.Empty, "body"u8.ToArray(), date);

        MaildirFile.Move(from, to);

        Assert.False(File.Exists(from));
        Assert.Equal("body", File.ReadAllText(to));
        Assert.Equal(date.UtcDateTime, File.GetLastWriteTimeUtc(to));
    }
}
