namespace RemotePoll.Core.Records;

/// <summary>
/// Where a record's stored secret goes and as whom: the host, the port connected to, the transport security, how the
/// server certificate is trusted, and the name it logs in as. A password was given for one destination; when a change
/// moves the record to another without giving a new one, the stored password is void (a domain administrator, who may
/// not read passwords, must not be able to send a user's password to a server of their choosing). The login name is
/// part of it because front ends route a login by its name (user@domain) to different back ends.
/// </summary>
/// <param name="Transport">The protocol's word for the transport: RPOP "plain"/"TLS", RIMAP the Connection Security.</param>
public sealed record RecordDestination(string Host, int Port, string Transport, TlsTrust Trust, string AuthName)
{
    /// <summary>The error of a poll of a record whose password was void by a change of destination.</summary>
    public const string PasswordRequired =
        "password required after host change: the host, port, TLS settings or account name changed without a new password; set the password again";
}
