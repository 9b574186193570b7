using System.Text;
using RemotePoll.Mail.Pop3;
using Xunit;
using RemotePoll.Mail.Net;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>
/// RETR answers read by <see cref="Pop3Retriever"/> from a scripted server stream that hands out its bytes a few
/// at a time, so that every dot, CR and LF falls on a read boundary somewhere: the un-stuffed message must be the
/// original byte for byte, whatever the chunking.
/// </summary>
public sealed class Pop3RetrieverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int> Chunks => [1, 2, 3, 5, 77, 4096, 65536];

    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>RFC 1939 §3 byte stuffing of a message of CRLF lines, with the terminating line.</summary>
    private static string Stuffed(string message) =>
        string.Concat(message.Split("\r\n").SkipLast(1).Select(l => (l.StartsWith('.') ? "." + l : l) + "\r\n")) + ".\r\n";

    /// <summary>Lines that start with dots in every way, bare CRs, 8-bit bytes, and a dot line at the start and at the end.</summary>
    private static readonly string[] Tricky =
    [
        ".first line is a dot line\r\nSubject: x\r\n\r\n.\r\n..\r\n...\r\n.x\r\nx.\r\n. \r\n.\rnot an end\r\n\r\n.\r\n",
        "Subject: y\r\n\r\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => (i % 3 == 0 ? "." : "") + new string((char)('a' + i % 26), i % 90) + "\r\n")),
        "Subject: z\r\n\r\nbare\rcarriage returns\r\n\u00e9\u00ff\u0080 eight-bit\r\n" + new string('L', 70_000) + "\r\n.\r\n",
        "\r\n",
        "Subject: empty body\r\n\r\n",
        "",
    ];

    private static (Pop3Retriever Retriever, ScriptedStream Stream) Retriever(string answers, int chunk)
    {
        var stream = new ScriptedStream(Latin1(answers), chunk);
        return (new Pop3Retriever(stream, new Pop3Transcript(null, "secret")), stream);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Dot_stuffed_answers_come_back_byte_for_byte_whatever_the_read_boundaries(int chunk)
    {
        var (retriever, stream) = Retriever(string.Concat(Tricky.Select(m => "+OK message follows\r\n" + Stuffed(m))), chunk);
        var indexes = Enumerable.Range(0, Tricky.Length).ToArray();

        var answers = await retriever.RetrieveAsync(indexes, Tricky.Select(m => (long)m.Length).ToArray(), 1_000_000, pipelined: true, Ct);

        Assert.Equal(Tricky.Select(Latin1), answers.Select(a => a.Data));
        Assert.Equal(string.Concat(indexes.Select(i => $"RETR {i + 1}\r\n")), Encoding.ASCII.GetString(stream.Written));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100_000)]
    public async Task A_wrong_listed_size_still_gives_the_exact_message(long listed)
    {
        var message = Tricky[1];
        var (retriever, _) = Retriever("+OK\r\n" + Stuffed(message), 4096);

        var answer = (await retriever.RetrieveAsync([0], [listed], 1_000_000, pipelined: false, Ct)).Single();

        Assert.Equal(Latin1(message), answer.Data);
    }

    [Fact]
    public async Task A_message_of_exactly_the_limit_is_kept_and_one_byte_more_is_read_to_its_end_without_data()
    {
        var exact = Tricky[0];
        var over = exact.Insert(exact.Length - 2, "x");
        var (retriever, _) = Retriever("+OK\r\n" + Stuffed(exact) + "+OK\r\n" + Stuffed(over) + "+OK\r\n" + Stuffed(exact), 3);

        var answers = await retriever.RetrieveAsync([0, 1, 2], [exact.Length, exact.Length, exact.Length], exact.Length, pipelined: true, Ct);

        Assert.Equal(Latin1(exact), answers[0].Data);
        Assert.Null(answers[1].Data);
        Assert.Equal(exact.Length + 1, answers[1].Length);
        Assert.Equal(Latin1(exact), answers[2].Data);
    }

    [Fact]
    public async Task A_refused_retrieval_is_reported_and_the_next_answer_is_still_read()
    {
        var (retriever, _) = Retriever("-ERR no such message\r\n+OK\r\n" + Stuffed(Tricky[4]), 2);

        var answers = await retriever.RetrieveAsync([0, 1], [10, Tricky[4].Length], 1000, pipelined: true, Ct);

        Assert.Equal("-ERR no such message", answers[0].Refusal);
        Assert.Equal(Latin1(Tricky[4]), answers[1].Data);
    }

    [Fact]
    public async Task A_bare_LF_terminator_of_a_broken_server_ends_the_message()
    {
        var (retriever, _) = Retriever("+OK\r\nSubject: a\r\n\r\nbody\r\n.\n", 1);

        var answer = (await retriever.RetrieveAsync([0], [20], 1000, pipelined: false, Ct)).Single();

        Assert.Equal(Latin1("Subject: a\r\n\r\nbody\r\n"), answer.Data);
    }

    [Fact]
    public async Task An_answer_that_is_neither_OK_nor_ERR_is_a_format_error()
    {
        var (retriever, _) = Retriever("* 1 FETCH\r\n", 4096);
        await Assert.ThrowsAsync<FormatException>(() => retriever.RetrieveAsync([0], [10], 1000, pipelined: false, Ct));
    }

    [Fact]
    public async Task Bytes_after_the_last_answer_are_a_format_error_rather_than_a_desynchronised_client()
    {
        var (retriever, _) = Retriever("+OK\r\n" + Stuffed(Tricky[4]) + "+OK surprise\r\n", 65536);
        await Assert.ThrowsAsync<FormatException>(() => retriever.RetrieveAsync([0], [Tricky[4].Length], 1000, pipelined: false, Ct));
    }

    [Fact]
    public async Task A_connection_closed_in_the_middle_of_a_message_is_an_IO_error()
    {
        var (retriever, _) = Retriever("+OK\r\nSubject: a\r\n\r\nhalf of the bo", 7);
        await Assert.ThrowsAsync<IOException>(() => retriever.RetrieveAsync([0], [40], 1000, pipelined: false, Ct));
    }

    [Fact]
    public async Task A_status_line_longer_than_the_buffer_is_refused()
    {
        var (retriever, _) = Retriever("+OK " + new string('A', Pop3Retriever.BufferSize + 10) + "\r\n", 65536);
        var error = await Assert.ThrowsAsync<StreamBoundExceededException>(() => retriever.RetrieveAsync([0], [10], 1000, pipelined: false, Ct));
        Assert.Equal(StreamBound.LineLength, error.Bound);
    }

    /// <summary>The server's side: its answers handed out at most <c>chunk</c> bytes per read; what the client writes, kept.</summary>
    private sealed class ScriptedStream(byte[] answers, int chunk) : Stream
    {
        private readonly MemoryStream _written = new();
        private int _at;

        public byte[] Written => _written.ToArray();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), answers.Length - _at);
            answers.AsSpan(_at, n).CopyTo(buffer.AsSpan(offset));
            _at += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
