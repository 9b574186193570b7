using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Records;

/// <summary>
/// Issue 16.4: only a server administrator names a file on the nodes as a record's TLS CA file, and only one in the CA
/// folder; a domain administrator is refused as an account user is, and the refusal does not tell whether a file exists.
/// </summary>
public sealed class RecordCaFileRuleTests
{
    private const string Folder = "/var/lib/remotepoll/tls-ca";

    private static AccountContext Server => Context() with { CaFolder = Folder };
    private static AccountContext DomainAdministrator => Server with { ByDomainAdministrator = true };

    private static RpopRecordChange WithCaFile(string path) => Rpop("r1") with { Trust = new TlsTrustChange { CaFile = path } };

    [Theory]
    [InlineData("/dev/ptmx")]
    [InlineData(Folder + "/private-ca.pem")]
    public void A_domain_administrator_may_not_name_a_CA_file_anywhere(string path)
    {
        var state = AccountState.Empty(Alice);
        Refusal.Names("TLS CA File", "only a server administrator",
            () => state.Process(new SetRpopRecord(Alice, WithCaFile(path)), DomainAdministrator));
        Refusal.Names("TLS CA File", "only a server administrator",
            () => state.Process(new SetRimapRecord(Alice, Rimap("m1") with { Trust = new TlsTrustChange { CaFile = path } }), DomainAdministrator));
    }

    [Fact]
    public void A_server_administrator_names_a_file_in_the_CA_folder()
    {
        var (after, _) = AccountState.Empty(Alice).Run(new SetRpopRecord(Alice, WithCaFile(Folder + "/private-ca.pem")), Server);

        Assert.Equal(TlsTrust.CaFile(Folder + "/private-ca.pem"), after.Rpop["r1"].Trust);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/etc/passwd")]
    [InlineData("/no/such/file.pem")]
    [InlineData(Folder + "/../../../../dev/ptmx")]
    [InlineData(Folder + "-other/ca.pem")]
    public void A_file_outside_the_CA_folder_is_refused_by_its_path_alone(string path)
    {
        var ex = Refusal.Names("TLS CA File", $"is not in the CA folder {Folder}/",
            () => AccountState.Empty(Alice).Process(new SetRpopRecord(Alice, WithCaFile(path)), Server));
        // The same words whether or not the file exists: nothing on the node was looked at.
        Assert.Equal($"'{path}' is not in the CA folder {Folder}/ (remotepoll.tls.ca-folder)", ex.Errors.Single().Reason);
    }

    [Fact]
    public void A_domain_administrator_may_set_back_the_CA_file_a_server_administrator_chose()
    {
        var state = AccountState.Empty(Alice).Run(new SetRpopRecord(Alice, WithCaFile(Folder + "/ca.pem")), Server).State;
        var printed = CgpPrinter.Print(RecordDictionaries.FromRpop(state.Rpop.Values, unseal: null));

        var events = state.Process(new ReplaceRpopRecords(Alice, RecordDictionaries.ToRpopChanges(CgpParser.Parse(printed))), DomainAdministrator);
        var changed = state.Process(new SetRpopRecord(Alice, new RpopRecordChange("r1") { Every = "1h" }), DomainAdministrator);

        Assert.Empty(events);
        Assert.Single(changed);
        Assert.Throws<ValidationException>(() =>
            state.Process(new SetRpopRecord(Alice, new RpopRecordChange("r1") { Trust = new TlsTrustChange { CaFile = Folder + "/other.pem" } }), DomainAdministrator));
    }
}
