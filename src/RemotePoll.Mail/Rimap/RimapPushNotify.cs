using RemotePoll.Mail.Net;
namespace RemotePoll.Mail.Rimap;

/// <summary>
/// The NOTIFY side of a push session (RFC 5465, issue 20): where the server offers it, every folder the record mirrors
/// (its LIST filter) is watched, not only INBOX. The folder list is read again at each IDLE re-issue, so a folder created
/// remotely later is watched from then on. A server that refuses NOTIFY SET (NO or BAD) leaves IDLE on INBOX, the other
/// folders being polled at Poll Every as without NOTIFY.
/// </summary>
internal sealed class RimapPushNotify(RimapMirrorRequest request, RimapSession session)
{
    /// <summary>The folder names NOTIFY watches; null: no NOTIFY (not offered, or refused).</summary>
    private string[]? _watched;

    /// <summary>Sets NOTIFY where the server offers it; says what the session watches, for the log.</summary>
    /// <exception cref="RemotePollException">ConnectionLost, ProtocolError (LIST refused).</exception>
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        if (!session.OffersNotify) return "IDLE on INBOX (the server offers no NOTIFY); the other folders are polled at Poll Every";
        var folders = await session.ListFoldersAsync(ImapListPattern.Of(request.ListFilter), cancellationToken).ConfigureAwait(false);
        if (!await session.NotifyAsync(folders, cancellationToken).ConfigureAwait(false))
            return "IDLE on INBOX (the server refused NOTIFY); the other folders are polled at Poll Every";
        _watched = Names(folders);
        return $"NOTIFY (RFC 5465) on {folders.Count} folder(s)";
    }

    /// <summary>
    /// Lists the record's folders again and sets NOTIFY anew when they changed. True when they changed: a new folder
    /// may already hold mail, so the record is mirrored at once. Refused now, the session goes on with IDLE on INBOX.
    /// </summary>
    /// <exception cref="RemotePollException">ConnectionLost, ProtocolError (LIST refused).</exception>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        if (_watched is null) return false;
        var folders = await session.ListFoldersAsync(ImapListPattern.Of(request.ListFilter), cancellationToken).ConfigureAwait(false);
        var names = Names(folders);
        if (names.SequenceEqual(_watched, StringComparer.Ordinal)) return false;
        _watched = await session.NotifyAsync(folders, cancellationToken).ConfigureAwait(false) ? names : null;
        return true;
    }

    private static string[] Names(IReadOnlyList<RimapRemoteFolder> folders) => folders.Select(f => f.Name).ToArray();
}
