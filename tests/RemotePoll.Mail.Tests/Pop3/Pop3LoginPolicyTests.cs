using RemotePoll.Mail.Pop3;
using Xunit;

namespace RemotePoll.Mail.Tests.Pop3;

public sealed class Pop3LoginPolicyTests
{
    private const string ApopGreeting = "+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>";

    [Theory]
    [InlineData(true, true, ApopGreeting, Pop3LoginMethod.Apop)]
    [InlineData(false, true, ApopGreeting, Pop3LoginMethod.UserPass)]
    [InlineData(true, false, ApopGreeting, Pop3LoginMethod.UserPass)]
    [InlineData(true, true, "+OK POP3 ready", Pop3LoginMethod.UserPass)]
    [InlineData(true, true, "+OK POP3 ready <no-at-sign>", Pop3LoginMethod.UserPass)]
    [InlineData(true, true, "+OK POP3 ready <@>", Pop3LoginMethod.UserPass)]
    [InlineData(true, true, "+OK POP3 ready <unterminated@x", Pop3LoginMethod.UserPass)]
    public void APOP_needs_the_module_setting_the_record_option_and_a_timestamp_in_the_greeting(
        bool useApop, bool recordApop, string greeting, Pop3LoginMethod expected) =>
        Assert.Equal(expected, Pop3LoginPolicy.Choose("pop.provider.com", useApop, recordApop, greeting));

    [Theory]
    [InlineData("pop3.email.msn.com")]
    [InlineData("POP.MSN.COM.")]
    public void Hosts_under_msn_com_always_use_AUTH_MSN(string host)
    {
        Assert.Equal(Pop3LoginMethod.AuthMsn, Pop3LoginPolicy.Choose(host, true, true, ApopGreeting));
        Assert.Equal(Pop3LoginMethod.AuthMsn, Pop3LoginPolicy.Choose(host, false, false, "+OK"));
    }

    [Theory]
    [InlineData("msn.com")]
    [InlineData("pop.notmsn.com")]
    [InlineData("msn.com.example.org")]
    public void Other_hosts_do_not_use_AUTH_MSN(string host) =>
        Assert.False(Pop3LoginPolicy.IsMsnHost(host));

    [Fact]
    public void The_APOP_timestamp_is_the_first_angle_bracket_token() =>
        Assert.Equal("<1896.697170952@dbc.mtview.ca.us>", Pop3LoginPolicy.ApopTimestamp(ApopGreeting + " <other@x>"));

    [Fact]
    public void An_error_greeting_has_no_APOP_timestamp() =>
        Assert.Null(Pop3LoginPolicy.ApopTimestamp("-ERR busy <1@x>"));

    [Fact]
    public void Credentials_never_print_the_password() =>
        Assert.DoesNotContain("hunter2", new Pop3Credentials("joe", "hunter2").ToString());
}
