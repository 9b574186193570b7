using System.Net;

namespace RemotePoll.Mail.Rimap;

/// <summary>The outcome of one RIMAP poll that reached the end of the folder list.</summary>
/// <param name="Folders">Every remote folder that matched the filter, in name order.</param>
/// <param name="GoneFolders">
/// Folders of the saved state that the server no longer lists under the filter: their local copies are kept;
/// the caller may forget their state.
/// </param>
/// <param name="RemoteEndPoint">The address actually connected to (for the self-poll check and the log).</param>
public sealed record RimapMirrorResult(
    IReadOnlyList<RimapFolderResult> Folders,
    IReadOnlyList<string> GoneFolders,
    IPEndPoint? RemoteEndPoint)
{
    /// <summary>
    /// Remote folders that matched the filter but were not mirrored because the record's tree would have held more than
    /// <see cref="RimapMirrorRequest.MaxFolders"/> local folders, in name order.
    /// </summary>
    public IReadOnlyList<string> SkippedFolders { get; init; } = [];

    public int Messages => Folders.Sum(f => f.Messages);

    public long Bytes => Folders.Sum(f => f.Bytes);

    /// <summary>Folders that could not be mirrored this time.</summary>
    public IEnumerable<RimapFolderResult> Failed => Folders.Where(f => f.Error is not null);
}
