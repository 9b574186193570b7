using RemotePoll.Core.Records;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class RecordEnumsTests
{
    [Theory]
    [InlineData("None", ConnectionSecurity.None)]
    [InlineData("none", ConnectionSecurity.None)]
    [InlineData("STARTTLS", ConnectionSecurity.StartTls)]
    [InlineData("StartTls", ConnectionSecurity.StartTls)]
    [InlineData("SSL/TLS", ConnectionSecurity.SslTls)]
    [InlineData("ssl", ConnectionSecurity.SslTls)]
    [InlineData(" tls ", ConnectionSecurity.SslTls)]
    public void Parses_the_spec_and_CLI_words_for_connection_security(string text, ConnectionSecurity expected)
    {
        Assert.Equal(expected, RecordEnums.ParseSecurity(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SSL-TLS")]
    [InlineData("encrypted")]
    public void Unknown_connection_security_words_parse_to_null(string? text)
    {
        Assert.Null(RecordEnums.ParseSecurity(text));
    }

    [Theory]
    [InlineData("Normal", ImapAuthMethod.Normal)]
    [InlineData("normal", ImapAuthMethod.Normal)]
    [InlineData("ENCRYPTED", ImapAuthMethod.Encrypted)]
    public void Parses_the_authentication_methods(string text, ImapAuthMethod expected)
    {
        Assert.Equal(expected, RecordEnums.ParseAuthMethod(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("CRAM-MD5")]
    [InlineData("plain")]
    public void Unknown_authentication_methods_parse_to_null(string? text)
    {
        Assert.Null(RecordEnums.ParseAuthMethod(text));
    }

    [Theory]
    [InlineData(ConnectionSecurity.None, "None")]
    [InlineData(ConnectionSecurity.StartTls, "STARTTLS")]
    [InlineData(ConnectionSecurity.SslTls, "SSL/TLS")]
    public void Connection_security_is_written_in_the_spec_words_and_parses_back(ConnectionSecurity s, string word)
    {
        Assert.Equal(word, s.ToSpecWord());
        Assert.Equal(s, RecordEnums.ParseSecurity(word));
    }

    [Theory]
    [InlineData(ImapAuthMethod.Normal, "Normal")]
    [InlineData(ImapAuthMethod.Encrypted, "Encrypted")]
    public void Authentication_method_is_written_in_the_spec_words_and_parses_back(ImapAuthMethod m, string word)
    {
        Assert.Equal(word, m.ToSpecWord());
        Assert.Equal(m, RecordEnums.ParseAuthMethod(word));
    }
}
