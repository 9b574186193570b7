using RemotePoll.Cluster.Secrets;
using RemotePoll.Core.Security;

namespace RemotePoll.Cluster.Tests.Secrets;

/// <summary>The node's cluster secret file: made owner-only, read back, replaced in place by a rotation (issue 16.7).</summary>
public sealed class ClusterSecretFileTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-secret-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private string SecretPath => Path.Combine(_data, ClusterSecret.FileName);

    [Fact]
    public void The_secret_file_is_created_owner_only_read_again_and_never_shown()
    {
        var secret = ClusterSecretFile.LoadOrCreate(_data, _ => null);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretPath));
        Assert.DoesNotContain(File.ReadAllText(SecretPath).Trim(), secret.ToString());
        var again = ClusterSecretFile.LoadOrCreate(_data, _ => null);
        var token = secret.Signer().Issue(Caller.ServerAdministrator, Now, TimeSpan.FromHours(1));
        Assert.True(again.Verifier().TryVerify(token, Now, out _, out _));
        var fromEnvironment = ClusterSecretFile.LoadOrCreate(_data,
            n => n == ClusterSecret.EnvironmentVariable ? Convert.ToBase64String(new byte[32]) : null);
        Assert.False(fromEnvironment.Verifier().TryVerify(token, Now, out _, out _));
        Assert.Throws<InvalidDataException>(() => ClusterSecretFile.LoadOrCreate(_data, n => n == ClusterSecret.EnvironmentVariable ? "c2hvcnQ=" : null));
    }

    [Fact]
    public void A_rotation_replaces_the_data_folder_file_owner_only_and_the_offline_reader_takes_the_new_secret()
    {
        var secret = ClusterSecretFile.LoadOrCreate(_data, _ => null);
        var old = secret.Signer().Issue(Caller.ServerAdministrator, Now, TimeSpan.FromDays(1));
        var before = File.ReadAllText(SecretPath);
        Assert.True(secret.CanRotate);

        secret.Rotate();

        Assert.NotEqual(before, File.ReadAllText(SecretPath));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretPath));
        Assert.False(secret.Verifier().TryVerify(old, Now, out _, out _));
        var fresh = secret.Signer().Issue(Caller.ServerAdministrator, Now, TimeSpan.FromDays(1));
        Assert.True(ClusterSecretFile.ReadFile(SecretPath).Verifier().TryVerify(fresh, Now, out _, out _));
        Assert.False(File.Exists(SecretPath + ".rotate"));
    }

    [Fact]
    public void A_secret_from_the_environment_or_a_mounted_file_cannot_be_rotated_by_the_node()
    {
        var mounted = Path.Combine(_data, "mounted.secret");
        ClusterSecretFile.CreateFile(mounted);
        var fromVariable = ClusterSecretFile.LoadOrCreate(_data, n => n == ClusterSecret.EnvironmentVariable ? Convert.ToBase64String(new byte[32]) : null);
        var fromMount = ClusterSecretFile.LoadOrCreate(_data, n => n == ClusterSecret.FileEnvironmentVariable ? mounted : null);

        Assert.False(fromVariable.CanRotate);
        Assert.False(fromMount.CanRotate);
        Assert.Throws<InvalidOperationException>(fromMount.Rotate);
        Assert.False(File.Exists(SecretPath));
    }

    [Fact]
    public void A_missing_file_is_refused_naming_the_path()
    {
        var missing = Path.Combine(_data, "missing.secret");

        Assert.Contains(missing, Assert.Throws<InvalidDataException>(() => ClusterSecretFile.ReadFile(missing)).Message);
    }
}
