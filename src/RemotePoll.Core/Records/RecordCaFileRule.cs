using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Records;

/// <summary>
/// A record's TLS CA file is a file on every node, read at every poll: only a server administrator may name one, and
/// only a file in the node's CA folder (remotepoll.tls.ca-folder). The path is judged by its text alone, so the refusal
/// never tells whether a file exists. A change that keeps the stored CA file (a dictionary read back and set again) is
/// not naming one. The poll checks again on the node (a regular file, in the folder after links, size and time bounded).
/// </summary>
public static class RecordCaFileRule
{
    public const string Field = "TLS CA File";

    /// <summary>Throws <see cref="ValidationException"/> naming <see cref="Field"/> when the change may not name this file.</summary>
    /// <param name="serverAdministrator">the change comes from a server administrator (not a domain administrator or account user)</param>
    /// <param name="caFolder">the nodes' CA folder; null when not known here</param>
    public static void Check(TlsTrust next, TlsTrust? stored, bool serverAdministrator, string? caFolder)
    {
        if (next.Mode != TlsTrustMode.CaFile || next == stored) return;
        if (!serverAdministrator)
            throw new ValidationException(Field, "names a file on the server: only a server administrator may set it on a record");
        if (caFolder is null) return;
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(caFolder)) + Path.DirectorySeparatorChar;
        if (!Path.GetFullPath(next.Value!).StartsWith(folder, StringComparison.Ordinal))
            throw new ValidationException(Field, $"'{next.Value}' is not in the CA folder {folder} (remotepoll.tls.ca-folder)");
    }
}
