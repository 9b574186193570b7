using RemotePoll.Core.Records;
using RemotePoll.Web.OAuth;

namespace RemotePoll.Web.Tests;

/// <summary>The OAuth2 states of the web's Connect: once, in time, and only for the browser that started it.</summary>
public sealed class PendingConsentsTests
{
    private readonly SettableTime _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_state_is_taken_once_by_the_browser_that_started_it_and_a_replay_is_unknown()
    {
        var consents = new PendingConsents(_time);
        var binding = PendingConsents.NewBinding();
        var state = consents.Add(Consent(binding))!;

        Assert.Equal(ConsentAnswer.Taken, consents.Take(state, binding, out var taken));
        Assert.Equal("home", taken!.Name);
        Assert.Equal(ConsentAnswer.Unknown, consents.Take(state, binding, out var replayed));
        Assert.Null(replayed);
    }

    [Fact]
    public void A_forged_or_missing_state_is_unknown()
    {
        var consents = new PendingConsents(_time);
        var binding = PendingConsents.NewBinding();
        consents.Add(Consent(binding));

        Assert.Equal(ConsentAnswer.Unknown, consents.Take(PendingConsents.NewBinding(), binding, out _));
        Assert.Equal(ConsentAnswer.Unknown, consents.Take(null, binding, out _));
        Assert.Equal(ConsentAnswer.Unknown, consents.Take("", binding, out _));
    }

    [Fact]
    public void Another_browser_is_refused_and_the_state_is_spent_by_its_attempt()
    {
        var consents = new PendingConsents(_time);
        var binding = PendingConsents.NewBinding();
        var state = consents.Add(Consent(binding))!;

        Assert.Equal(ConsentAnswer.OtherSession, consents.Take(state, PendingConsents.NewBinding(), out var other));
        Assert.Null(other);
        Assert.Equal(ConsentAnswer.Unknown, consents.Take(state, binding, out _)); // one use, whoever used it
        var second = consents.Add(Consent(binding))!;
        Assert.Equal(ConsentAnswer.OtherSession, consents.Take(second, null, out _)); // no binding cookie at all
    }

    [Fact]
    public void A_state_older_than_its_lifetime_is_expired_and_old_ones_are_dropped()
    {
        var consents = new PendingConsents(_time);
        var binding = PendingConsents.NewBinding();
        var state = consents.Add(Consent(binding))!;
        _time.Now += PendingConsents.Lifetime;

        Assert.Equal(ConsentAnswer.Expired, consents.Take(state, binding, out var expired));
        Assert.Null(expired);
        consents.Add(Consent(binding));
        _time.Now += PendingConsents.Lifetime;
        consents.Add(Consent(binding));
        Assert.Equal(1, consents.Count);
    }

    [Fact]
    public void States_are_random_and_no_more_than_the_capacity_are_kept()
    {
        var consents = new PendingConsents(_time, capacity: 2);
        var binding = PendingConsents.NewBinding();
        var a = consents.Add(Consent(binding));
        var b = consents.Add(Consent(binding));
        Assert.NotEqual(a, b);
        Assert.Equal(43, a!.Length); // 256 bits, base64url
        Assert.Null(consents.Add(Consent(binding)));
        Assert.True(PendingConsents.IsBinding(binding));
        Assert.False(PendingConsents.IsBinding("short"));
        Assert.False(PendingConsents.IsBinding(new string('a', 42) + ";"));
    }

    private PendingConsent Consent(string binding) =>
        new("alice@example.test", RecordKind.Rpop, "home", "test", "verifier", "http://localhost/oauth/callback", "user-token",
            PendingConsents.Hash(binding), _time.GetUtcNow() + PendingConsents.Lifetime);

    private sealed class SettableTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
