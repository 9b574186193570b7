using System.Net;
using MailKit.Security;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// MSN's non-standard POP3 login (spec: hosts ending with <c>.msn.com</c>): <c>AUTH MSN</c> runs the NTLM
/// exchange (negotiate, challenge, authenticate; base64 lines after <c>+ </c>) under the name "MSN", the
/// way fetchmail speaks to those servers. MailKit's NTLM mechanism does the work; only the name differs.
/// </summary>
public sealed class SaslMechanismMsn : SaslMechanismNtlm
{
    public SaslMechanismMsn(NetworkCredential credentials) : base(credentials)
    {
    }

    public override string MechanismName => "MSN";

    /// <summary>The POP3 exchange starts with a bare <c>AUTH MSN</c>: no initial response on the command line.</summary>
    public override bool SupportsInitialResponse => false;
}
