using Xunit;

namespace RemotePoll.Mail.Tests.Fixtures;

/// <summary>
/// The unit run (<c>--filter Category!=Integration</c>) stays free of real servers: a test that starts one without the
/// <c>[Integration]</c> mark fails, naming itself, and a marked one is let through.
/// </summary>
public sealed class IntegrationGuardTests
{
    [Fact]
    public void A_test_without_the_mark_that_starts_a_server_is_refused_by_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => IntegrationGuard.Require("a Dovecot"));
        Assert.Contains(nameof(A_test_without_the_mark_that_starts_a_server_is_refused_by_name), error.Message);
        Assert.Contains("[Integration]", error.Message);
    }

    [Fact]
    public void The_mark_puts_the_test_in_the_integration_category()
    {
        var traits = new IntegrationAttribute().GetTraits();
        Assert.Equal([new KeyValuePair<string, string>("Category", "Integration")], traits);
    }

    [Integration]
    public sealed class Marked
    {
        [Fact]
        public void A_marked_test_may_start_a_server() => IntegrationGuard.Require("a Dovecot");
    }
}
