using System.Buffers;
using System.Globalization;
using System.Text;
using MailKit;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// APPEND written straight onto a logged-in IMAP session's stream, the message bytes as they are (no MIME parse).
/// Several APPENDs are in flight at once (RFC 3501 5.5): with LITERAL+ (RFC 7888; LITERAL- for literals up to 4096
/// octets) each literal follows its command at once, else the writer waits for the server's "+" before each literal
/// and sends the next command without waiting for the previous one's tagged answer. With MULTIAPPEND (RFC 3502) a batch
/// is one command, all or nothing. A reader runs beside the writer and matches each tagged answer to its command.
/// Used only while the session's other client (MailKit) is idle; the session stays usable only when every command got
/// its answer and nothing else was left unread.
/// </summary>
internal sealed class ImapAppendWriter
{
    private const int MaxLineLength = 64 * 1024;
    private const int LiteralMinusLimit = 4096;
    private const int FlushAt = 64 * 1024;

    private readonly Stream _wire;
    private readonly bool _literalPlus;
    private readonly bool _literalMinus;
    private readonly TimeSpan _timeout;
    private readonly byte[] _in = new byte[16 * 1024];
    private readonly ArrayBufferWriter<byte> _out = new(FlushAt + 8192);
    private readonly Dictionary<string, TaskCompletionSource<TaggedAnswer>> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _commandOf = new(StringComparer.Ordinal);
    private TaskCompletionSource? _continuation;
    private int _start;
    private int _end;
    private int _tag;

    /// <summary>A command's tagged answer: OK, NO or BAD and the text after it.</summary>
    internal sealed record TaggedAnswer(string Status, string Text);

    public ImapAppendWriter(Stream wire, bool literalPlus, bool literalMinus, TimeSpan timeout)
    {
        _wire = wire;
        _literalPlus = literalPlus;
        _literalMinus = literalMinus;
        _timeout = timeout;
    }

    /// <summary>Whether the session can be used again: every command answered and no byte left unread.</summary>
    public bool Sound { get; private set; } = true;

    /// <summary>The last call's answers in command order as they came; null where none came (the session broke first).</summary>
    public TaggedAnswer?[] Answers { get; private set; } = [];

    /// <summary>One APPEND per message, pipelined; the answers in the messages' order.</summary>
    /// <exception cref="IOException">The session broke or timed out; <see cref="Sound"/> is false.</exception>
    public Task<TaggedAnswer[]> AppendEachAsync(string mailbox, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken) =>
        RunAsync(mailbox, messages.Select(m => new[] { m }).ToArray(), cancellationToken);

    /// <summary>One MULTIAPPEND command for the whole batch: one answer for all.</summary>
    /// <exception cref="IOException">The session broke or timed out; <see cref="Sound"/> is false.</exception>
    public async Task<TaggedAnswer> MultiAppendAsync(string mailbox, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken) =>
        (await RunAsync(mailbox, [messages.ToArray()], cancellationToken).ConfigureAwait(false))[0];

    private async Task<TaggedAnswer[]> RunAsync(string mailbox, MessageToStore[][] commands, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(_timeout);
        var tags = new string[commands.Length];
        Answers = new TaggedAnswer?[commands.Length];
        for (var i = 0; i < commands.Length; i++)
        {
            tags[i] = "RA" + (++_tag).ToString(CultureInfo.InvariantCulture);
            _pending[tags[i]] = new TaskCompletionSource<TaggedAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
            _commandOf[tags[i]] = i;
        }
        var reading = ReadAnswersAsync(commands.Length, timer);
        try
        {
            var prefix = "APPEND " + Quoted(mailbox);
            for (var i = 0; i < commands.Length; i++)
            {
                var answer = _pending[tags[i]].Task;
                Append(tags[i] + " " + prefix);
                var whole = true;
                foreach (var message in commands[i])
                {
                    whole = await WriteMessageAsync(message, answer, reading, timer).ConfigureAwait(false);
                    if (!whole) break;
                }
                if (whole) Append("\r\n");
            }
            await FlushAsync(timer).ConfigureAwait(false);
            await reading.ConfigureAwait(false);
            if (_end != _start) Sound = false; // something unasked for was left on the wire
            return tags.Select(t => _pending[t].Task.Result).ToArray();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Sound = false;
            throw new IOException(e is OperationCanceledException ? $"no answer within {_timeout.TotalSeconds:F0} s" : e.Message, e);
        }
        catch
        {
            Sound = false;
            throw;
        }
        finally
        {
            if (!Sound)
            {
                // The reader must be done before the session is closed or the pending answers are dropped.
                await timer.CancelAsync().ConfigureAwait(false);
                try { await reading.ConfigureAwait(false); } catch (Exception) { /* the failure is already reported */ }
            }
            _pending.Clear();
            _commandOf.Clear();
        }
    }

    /// <summary>
    /// Writes " (flags) "date" {n}" and the literal. False when the server answered the command instead of sending "+"
    /// for a synchronizing literal (it refused it: nothing more of this command may be sent).
    /// </summary>
    private async Task<bool> WriteMessageAsync(MessageToStore message, Task<TaggedAnswer> answer, Task reading, CancellationTokenSource timer)
    {
        var content = CrlfContent(message.Content);
        var sb = new StringBuilder(80).Append(" (").AppendJoin(' ', FlagAtoms(message)).Append(')');
        if (message.InternalDate is { } date) sb.Append(" \"").Append(InternalDate(date)).Append('"');
        var nonSync = _literalPlus || (_literalMinus && content.Length <= LiteralMinusLimit);
        sb.Append(" {").Append(content.Length.ToString(CultureInfo.InvariantCulture)).Append(nonSync ? "+}\r\n" : "}\r\n");
        Append(sb.ToString());
        if (!nonSync)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _continuation, go);
            await FlushAsync(timer).ConfigureAwait(false);
            var first = await Task.WhenAny(go.Task, answer, reading).ConfigureAwait(false);
            if (first == reading) await reading.ConfigureAwait(false); // the reader failed: its exception ends the batch
            if (first != go.Task) return false;
        }
        if (content.Length > FlushAt)
        {
            await FlushAsync(timer).ConfigureAwait(false);
            await _wire.WriteAsync(content, timer.Token).ConfigureAwait(false);
            timer.CancelAfter(_timeout);
        }
        else
        {
            _out.Write(content.Span);
            if (_out.WrittenCount >= FlushAt) await FlushAsync(timer).ConfigureAwait(false);
        }
        return true;
    }

    private void Append(string ascii)
    {
        var span = _out.GetSpan(ascii.Length);
        var n = Encoding.ASCII.GetBytes(ascii, span);
        _out.Advance(n);
    }

    private async Task FlushAsync(CancellationTokenSource timer)
    {
        if (_out.WrittenCount == 0) return;
        await _wire.WriteAsync(_out.WrittenMemory, timer.Token).ConfigureAwait(false);
        await _wire.FlushAsync(timer.Token).ConfigureAwait(false);
        _out.ResetWrittenCount();
        timer.CancelAfter(_timeout);
    }

    /// <summary>Reads until <paramref name="answers"/> tagged answers came; "+" wakes the writer, untagged data is skipped.</summary>
    private async Task ReadAnswersAsync(int answers, CancellationTokenSource timer)
    {
        try
        {
            while (answers > 0)
            {
                var line = await ReadLineAsync(timer).ConfigureAwait(false);
                if (line.StartsWith('+'))
                {
                    var go = Interlocked.Exchange(ref _continuation, null)
                        ?? throw new InvalidDataException("IMAP: a continuation request nothing waited for: " + Shown(line));
                    go.TrySetResult();
                    continue;
                }
                if (line.StartsWith("* ", StringComparison.Ordinal))
                {
                    await SkipLiteralsAsync(line, timer).ConfigureAwait(false);
                    continue;
                }
                var space = line.IndexOf(' ');
                var tag = space > 0 ? line[..space] : line;
                if (!_pending.TryGetValue(tag, out var pending) || pending.Task.IsCompleted)
                    throw new InvalidDataException("IMAP: an answer to no command of this batch: " + Shown(line));
                var rest = space > 0 ? line[(space + 1)..] : "";
                var statusEnd = rest.IndexOf(' ');
                var status = (statusEnd < 0 ? rest : rest[..statusEnd]).ToUpperInvariant();
                if (status is not ("OK" or "NO" or "BAD"))
                    throw new InvalidDataException("IMAP: a tagged answer that is not OK, NO or BAD: " + Shown(line));
                var answer = new TaggedAnswer(status, statusEnd < 0 ? "" : rest[(statusEnd + 1)..]);
                Answers[_commandOf[tag]] = answer;
                pending.TrySetResult(answer);
                answers--;
            }
        }
        catch (Exception e)
        {
            Sound = false;
            _continuation?.TrySetException(e);
            throw e is InvalidDataException ? new IOException(e.Message, e) : e;
        }
    }

    /// <summary>An untagged line ending in a literal's size ("{n}"): its n octets and the line's rest are skipped.</summary>
    private async Task SkipLiteralsAsync(string line, CancellationTokenSource timer)
    {
        while (line.EndsWith('}') && line.LastIndexOf('{') is var open and >= 0
            && long.TryParse(line.AsSpan(open + 1, line.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            while (size > 0)
            {
                if (_end == _start) await FillAsync(timer).ConfigureAwait(false);
                var take = (int)Math.Min(size, _end - _start);
                _start += take;
                size -= take;
            }
            line = await ReadLineAsync(timer).ConfigureAwait(false);
        }
    }

    private async Task<string> ReadLineAsync(CancellationTokenSource timer)
    {
        var line = new ArrayBufferWriter<byte>(128);
        while (true)
        {
            var lf = Array.IndexOf(_in, (byte)'\n', _start, _end - _start);
            var upTo = lf < 0 ? _end : lf;
            line.Write(_in.AsSpan(_start, upTo - _start));
            if (line.WrittenCount > MaxLineLength)
                throw new InvalidDataException($"IMAP: an answer line longer than {MaxLineLength} octets");
            if (lf >= 0)
            {
                _start = lf + 1;
                var bytes = line.WrittenSpan;
                if (bytes.Length > 0 && bytes[^1] == '\r') bytes = bytes[..^1];
                return Encoding.UTF8.GetString(bytes);
            }
            _start = _end;
            await FillAsync(timer).ConfigureAwait(false);
        }
    }

    private async Task FillAsync(CancellationTokenSource timer)
    {
        _start = _end = 0;
        var n = await _wire.ReadAsync(_in, timer.Token).ConfigureAwait(false);
        if (n == 0) throw new IOException("the IMAP server closed the connection");
        _end = n;
        timer.CancelAfter(_timeout);
    }

    private static string Shown(string line) => line.Length > 200 ? line[..200] : line;

    private static string Quoted(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static IEnumerable<string> FlagAtoms(MessageToStore message)
    {
        var flags = message.Flags;
        if (flags.HasFlag(MessageFlags.Seen)) yield return "\\Seen";
        if (flags.HasFlag(MessageFlags.Answered)) yield return "\\Answered";
        if (flags.HasFlag(MessageFlags.Flagged)) yield return "\\Flagged";
        if (flags.HasFlag(MessageFlags.Deleted)) yield return "\\Deleted";
        if (flags.HasFlag(MessageFlags.Draft)) yield return "\\Draft";
        // A keyword is an atom (RFC 3501 9, flag-keyword); one that is not cannot be stored and is left out.
        foreach (var k in message.Keywords ?? [])
            if (IsAtom(k)) yield return k;
    }

    private static bool IsAtom(string s) =>
        s.Length > 0 && !s.StartsWith('\\') && s.All(c => c is > ' ' and < (char)0x7f and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'));

    /// <summary>RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz", the month in English.</summary>
    internal static string InternalDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>The bytes as they are when every line ends in CRLF (RFC 5322 2.1, what IMAP stores); else a copy with CRLF line ends.</summary>
    internal static ReadOnlyMemory<byte> CrlfContent(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        var clean = true;
        for (var i = 0; i < span.Length && clean; i++)
        {
            if (span[i] == '\n' && (i == 0 || span[i - 1] != '\r')) clean = false;
            else if (span[i] == '\r' && (i + 1 == span.Length || span[i + 1] != '\n')) clean = false;
        }
        if (clean) return content;
        var fixedUp = new ArrayBufferWriter<byte>(span.Length + span.Length / 32 + 2);
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (b == '\r')
            {
                fixedUp.Write("\r\n"u8);
                if (i + 1 < span.Length && span[i + 1] == '\n') i++;
            }
            else if (b == '\n') fixedUp.Write("\r\n"u8);
            else fixedUp.Write([b]);
        }
        return fixedUp.WrittenMemory;
    }
}
