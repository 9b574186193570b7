namespace RemotePoll.Core.Polling;

/// <summary>
/// The wake schedule of one account shard: which accounts have records, when each record's next poll is due, and so
/// when each account must be running. Accounts are not all recovered when a node starts; the shard's schedule wakes an
/// account <see cref="Lead"/> before its first due poll, and wakes at once those whose due time is unknown or past.
/// <para>What is kept (journal and snapshot) is never later than the truth: a due time that moves earlier, and a record
/// seen for the first time, must be persisted before it counts (<see cref="Report"/> says so); one that moves later
/// (every poll) is kept in memory and reaches the next snapshot. A schedule recovered from a stale snapshot therefore
/// wakes an account too early, never too late; the account then keeps its own time.</para>
/// </summary>
public sealed class WakeTable
{
    /// <summary>How long before its due poll an account is woken: time for it to recover.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromSeconds(30);

    /// <summary>An account woken is woken again after this unless it reports a new due time first: a wake that was lost
    /// (its node died) is repeated, and an account whose node died while it polled is started again on another.</summary>
    public static readonly TimeSpan WakeAgainAfter = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Entry> _accounts = new(StringComparer.Ordinal);
    private readonly SortedSet<(DateTimeOffset At, string Account)> _queue = [];

    public int Count => _accounts.Count;

    /// <summary>True once anything changed since the last <see cref="Kept"/>.</summary>
    public bool Dirty { get; private set; }

    public IEnumerable<string> Accounts => _accounts.Keys;

    public bool Contains(string account) => _accounts.ContainsKey(account);

    /// <summary>The earliest pending wake, or null.</summary>
    public DateTimeOffset? NextWake => _queue.Count == 0 ? null : _queue.Min.At;

    /// <summary>Lists an account (its due times unknown: it is woken at once); false when it was listed already.</summary>
    public bool Add(string account, DateTimeOffset now)
    {
        if (_accounts.ContainsKey(account)) return false;
        var entry = new Entry([]);
        _accounts[account] = entry;
        Rearm(account, entry, now);
        Dirty = true;
        return true;
    }

    /// <summary>Takes an account out (it has no records left); false when it was not listed.</summary>
    public bool Remove(string account)
    {
        if (!_accounts.Remove(account, out var entry)) return false;
        if (entry.WakeAt is { } at) _queue.Remove((at, account));
        Dirty = true;
        return true;
    }

    /// <summary>
    /// A record's poller says when its next poll is due (null: Disabled, no timer), or that the record is gone.
    /// Returns true when the change must be persisted before it counts: its due time moved earlier than what is kept,
    /// or the record is new to what is kept while another record of the account is kept (an account with nothing kept
    /// is woken at once after a recovery, which is early enough). The account must be listed.
    /// </summary>
    public bool Report(string account, string record, DateTimeOffset? due, bool removed, DateTimeOffset now)
    {
        var entry = _accounts[account];
        var i = Array.FindIndex(entry.Records, r => r.Record == record);
        if (removed)
        {
            if (i < 0) return false;
            entry.Records = [.. entry.Records.Where((_, j) => j != i)];
        }
        else if (i < 0)
        {
            entry.Records = [.. entry.Records, new RecordDue(record, due, null, KeptKnown: false)];
        }
        else
        {
            var r = entry.Records[i];
            if (r.Due == due) return false;
            entry.Records[i] = r with { Due = due };
        }
        Dirty = true;
        Rearm(account, entry, now);
        if (removed) return false;
        var at = i < 0 ? entry.Records.Length - 1 : i;
        var kept = entry.Records[at];
        if (kept.KeptKnown) return Earlier(due, kept.Kept);
        // A record not kept yet: an account with nothing kept is woken at once after a recovery anyway.
        return entry.Records.Where((r, j) => j != at).Any(r => r.KeptKnown);
    }

    /// <summary>A change <see cref="Report"/> asked to persist was persisted: that due time is now kept (the record may
    /// have reported a later one meanwhile, which stays the latest known).</summary>
    public void Keep(string account, string record, DateTimeOffset? due)
    {
        if (!_accounts.TryGetValue(account, out var entry)) return;
        var i = Array.FindIndex(entry.Records, r => r.Record == record);
        if (i >= 0) entry.Records[i] = entry.Records[i] with { Kept = due, KeptKnown = true };
    }

    /// <summary>A persisted change read back at recovery: the due time is both the latest known and kept.</summary>
    public void Replay(string account, string record, DateTimeOffset? due, DateTimeOffset now)
    {
        if (!_accounts.TryGetValue(account, out var entry)) return;
        var i = Array.FindIndex(entry.Records, r => r.Record == record);
        if (i < 0) entry.Records = [.. entry.Records, new RecordDue(record, due, due, KeptKnown: true)];
        else entry.Records[i] = new RecordDue(record, due, due, KeptKnown: true);
        Rearm(account, entry, now);
    }

    /// <summary>The accounts to wake now, each with its records' due times as this schedule knows them; each is woken
    /// again after <see cref="WakeAgainAfter"/> unless it reports.</summary>
    public IReadOnlyList<WakeEntry> TakeDue(DateTimeOffset now)
    {
        var due = new List<WakeEntry>();
        while (_queue.Count > 0 && _queue.Min.At <= now)
        {
            var (_, account) = _queue.Min;
            _queue.Remove(_queue.Min);
            var entry = _accounts[account];
            due.Add(ToEntry(account, entry));
            entry.WakeAt = now + WakeAgainAfter;
            _queue.Add((entry.WakeAt.Value, account));
        }
        return due;
    }

    /// <summary>What a snapshot keeps: every account with its records' due times.</summary>
    public IReadOnlyList<WakeEntry> Export() => _accounts.Select(a => ToEntry(a.Key, a.Value)).ToList();

    private static WakeEntry ToEntry(string account, Entry entry) =>
        new(account, entry.Records.Select(r => new WakeDue(r.Record, r.Due)).ToList());

    /// <summary>A snapshot was saved: what it holds is what is kept now.</summary>
    public void Kept(IReadOnlyList<WakeEntry> saved)
    {
        foreach (var e in saved)
        {
            if (!_accounts.TryGetValue(e.Account, out var entry)) continue;
            foreach (var d in e.Records)
            {
                var i = Array.FindIndex(entry.Records, r => r.Record == d.Record);
                if (i >= 0) entry.Records[i] = entry.Records[i] with { Kept = d.Due, KeptKnown = true };
            }
        }
        Dirty = false;
    }

    /// <summary>Loads a snapshot at recovery: everything in it is kept.</summary>
    public void Restore(IReadOnlyList<WakeEntry> saved, DateTimeOffset now)
    {
        _accounts.Clear();
        _queue.Clear();
        foreach (var e in saved)
        {
            var entry = new Entry([.. e.Records.Select(d => new RecordDue(d.Record, d.Due, d.Due, KeptKnown: true))]);
            _accounts[e.Account] = entry;
            Rearm(e.Account, entry, now);
        }
        Dirty = false;
    }

    /// <summary>When the account is woken: at once while nothing is known of it, else <see cref="Lead"/> before its
    /// earliest due poll (at once when that is past); never when every record is Disabled.</summary>
    private void Rearm(string account, Entry entry, DateTimeOffset now)
    {
        DateTimeOffset? at;
        if (entry.Records.Length == 0) at = now;
        else
        {
            at = null;
            foreach (var r in entry.Records)
                if (r.Due is { } d && (at is null || d - Lead < at)) at = d - Lead;
        }
        if (entry.WakeAt == at) return;
        if (entry.WakeAt is { } old) _queue.Remove((old, account));
        entry.WakeAt = at;
        if (at is { } a) _queue.Add((a, account));
    }

    /// <summary>a is earlier than b, where null (no poll) is later than every time.</summary>
    private static bool Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is null || x < b.Value);

    private sealed class Entry(RecordDue[] records)
    {
        public RecordDue[] Records = records;
        public DateTimeOffset? WakeAt;
    }

    private readonly record struct RecordDue(string Record, DateTimeOffset? Due, DateTimeOffset? Kept, bool KeptKnown);
}
