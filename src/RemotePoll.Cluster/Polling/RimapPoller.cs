using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Mirrors one RIMAP record's remote folder tree under the local folder named after the record. Each folder's mark
/// (UIDVALIDITY, highest UID copied) is committed through the entity after the local store acknowledged the batch.
/// A pending Try Now order (extOrder) is served even when the record is Disabled.
/// </summary>
public sealed class RimapPoller : RecordPoller
{
    private RimapRecord _record;

    public RimapPoller(string account, RimapRecord record, DateTimeOffset? lastAttempt, PollEnvironment env, bool spreadFirstPoll = false)
        : base(account, lastAttempt, env, spreadFirstPoll)
    {
        _record = record;
    }

    protected override bool OnRecordMessage(object message)
    {
        if (message is not RimapRecordUpdated u) return false;
        var reschedule = u.Record.Period != _record.Period || u.Record.ExtOrder != _record.ExtOrder;
        var before = _record.OAuth;
        _record = u.Record;
        if (reschedule) Schedule();
        SignInChanged(before, _record.OAuth);
        return true;
    }

    public static Props Props(string account, RimapRecord record, DateTimeOffset? lastAttempt, PollEnvironment env, bool spreadFirstPoll = false) =>
        Akka.Actor.Props.Create<RimapPoller>(account, record, lastAttempt, env, spreadFirstPoll);

    protected override RecordKind Kind => RecordKind.Rimap;
    protected override string Name => _record.Name;
    protected override PollPeriod Period => _record.Period;
    protected override HostAndPort Host => _record.Host;
    protected override int Port => _record.Port;
    protected override bool ByAccountUser => _record.ByAccountUser;
    protected override string? MissingCredential => _record.OAuth is null && _record.Password.IsNone ? RecordDestination.PasswordRequired : null;
    protected override Core.OAuth.OAuthSignIn? SignIn => _record.OAuth;
    protected override DateTimeOffset? PendingOrder => _record.ExtOrder;

    protected override async Task<PollReport> RunAsync(PollContext context, DateTimeOffset started, CancellationToken ct)
    {
        var record = _record;
        try
        {
            var marks = await Entity.Ask<ImmutableDictionary<string, FolderMark>>(new GetMarks(record.Name), AskTimeout, ct).ConfigureAwait(false);
            var known = marks.ToDictionary(m => m.Key, m => new RimapFolderState(m.Key, m.Value.UidValidity, m.Value.HighestUid));
            var request = RimapMirrorRequest.For(Account, record, Env.Sealer.Unseal(record.Password)) with
            {
                CaFilePath = Env.CaFile,
                CaFolder = Env.CaFolder,
                SourceAddress = context.SourceAddress,
                Resolver = context.Resolver,
                ConnectTimeout = Env.ConnectTimeout,
                CommandTimeout = Env.CommandTimeout,
                MaxMessageSize = Env.MaxMessageSize,
                MaxFolders = Env.RimapMaxFolders,
                Bearer = context.Bearer,
            };
            long messages = 0, bytes = 0;
            var result = await RimapMirror.RunAsync(request, Env.Store, known,
                async (p, t) =>
                {
                    await Entity.Ask<LedgerCommitted>(new CommitMark(record.Name, p.State.RemoteName,
                        new FolderMark(p.State.UidValidity, p.State.HighestUid)), AskTimeout, t).ConfigureAwait(false);
                    ShowProgress(messages += p.Messages, bytes += p.Bytes);
                },
                ProtocolTrace.For(context.Settings.Log, Log, Account, record.Name), ct).ConfigureAwait(false);
            var folders = result.Folders.Select(f => new FolderReport(
                f.LocalFolder?.ToString() ?? f.RemoteName, f.Messages, f.Bytes,
                f.Error ?? (f.Notes.Count == 0 ? null : string.Join("; ", f.Notes)))).ToList();
            var failed = result.Failed.FirstOrDefault();
            var skipped = result.SkippedFolders;
            if (failed is null && skipped.Count > 0)
            {
                // Over the folder limit: what was mirrored is reported as copied, the rest named in Error (not silently dropped).
                foreach (var name in skipped) folders.Add(new FolderReport(name, 0, 0, $"not mirrored: over the limit of {Env.RimapMaxFolders} folders"));
                return new PollReport(Account, "RIMAP", record.Name, false, result.Messages, result.Bytes, 0, PollErrorKind.Refused.ToString(),
                    $"{skipped.Count} remote folders not mirrored: the record's tree may hold at most {Env.RimapMaxFolders} folders " +
                    $"(rimap-max-folders); skipped {string.Join(", ", skipped.Take(5).Select(n => $"'{n}'"))}{(skipped.Count > 5 ? ", …" : "")}",
                    started, DateTimeOffset.UtcNow, folders);
            }
            return new PollReport(Account, "RIMAP", record.Name, failed is null, result.Messages, result.Bytes, result.Failed.Count(),
                failed is null ? null : PollErrorKind.ProtocolError.ToString(),
                failed is null ? null : $"folder '{failed.RemoteName}': {failed.Error}", started, DateTimeOffset.UtcNow, folders);
        }
        catch (ImapPollException ex)
        {
            return Failure(started, ex.Kind, ex.Message);
        }
        catch (Exception ex)
        {
            return CommonFailure(ex, started, ct) ?? Failure(started, PollErrorKind.Internal, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
