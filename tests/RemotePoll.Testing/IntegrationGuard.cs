using Xunit;

namespace RemotePoll.Testing;

/// <summary>
/// Keeps the unit run (<c>--filter Category!=Integration</c>) free of real servers: a fixture that starts Dovecot,
/// PostgreSQL or a node process calls <see cref="Require"/>, which fails the test unless it carries
/// <see cref="IntegrationAttribute"/> (on its method, class, collection or assembly). Outside a test run (the
/// benchmark runner) it allows everything.
/// </summary>
public static class IntegrationGuard
{
    /// <exception cref="InvalidOperationException">The running test is not marked <c>[Integration]</c>.</exception>
    public static void Require(string what)
    {
        var context = TestContext.Current;
        if (context.TestAssembly is null) return;
        if (Marked(context.Test?.Traits) || Marked(context.TestMethod?.Traits) || Marked(context.TestClass?.Traits)
            || Marked(context.TestCollection?.Traits) || Marked(context.TestAssembly.Traits)) return;
        var where = context.Test?.TestDisplayName ?? context.TestClass?.TestClassName ?? context.TestCollection?.TestCollectionDisplayName;
        throw new InvalidOperationException(
            $"{where} starts {what} but is not marked [Integration]: mark its class so the unit run (Category!=Integration) leaves it out");
    }

    private static bool Marked(IReadOnlyDictionary<string, IReadOnlyCollection<string>>? traits) =>
        traits is not null && traits.TryGetValue(IntegrationAttribute.Category, out var values) && values.Contains(IntegrationAttribute.Value);
}
