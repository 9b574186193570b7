using RemotePoll.Core.Settings;
using Xunit;

namespace RemotePoll.Core.Tests.Settings;

/// <summary>The module settings that limit account users' records: allow-user-private-targets and user-min-poll-every.</summary>
public sealed class UserRecordSettingsTests
{
    [Fact]
    public void By_default_user_records_may_not_target_private_addresses_and_poll_at_most_every_5_minutes()
    {
        Assert.False(ModuleSettings.Default.AllowUserPrivateTargets);
        Assert.Equal(TimeSpan.FromMinutes(5), ModuleSettings.Default.UserMinPollEveryOrDefault);
    }

    [Fact]
    public void A_server_administrator_can_allow_private_targets_and_change_the_minimum()
    {
        var s = ModuleSettings.Default.With("allow-user-private-targets", "yes").With("user-min-poll-every", "15m");
        Assert.True(s.AllowUserPrivateTargets);
        Assert.Equal(TimeSpan.FromMinutes(15), s.UserMinPollEveryOrDefault);
        Assert.Contains(new KeyValuePair<string, string>("allow-user-private-targets", "yes"), s.ToPairs());
        Assert.Contains(new KeyValuePair<string, string>("user-min-poll-every", "15m"), s.ToPairs());
    }

    [Theory]
    [InlineData("allow-user-private-targets", "maybe", "is not yes or no")]
    [InlineData("user-min-poll-every", "soon", "is not a duration")]
    [InlineData("user-min-poll-every", "31d", "outside")]
    public void Bad_values_are_refused_naming_the_key(string key, string value, string reason) =>
        Refusal.Names(key, reason, () => ModuleSettings.Default.With(key, value));
}
