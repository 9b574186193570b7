using Xunit.v3;

namespace RemotePoll.Testing;

/// <summary>
/// Marks tests that need real servers or processes (Dovecot, PostgreSQL, node and CLI processes, a browser) with the
/// trait <c>Category=Integration</c>, so the unit tests run alone with <c>dotnet test --filter Category!=Integration</c>.
/// On a class, or on an assembly whose every test is one.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly)]
public sealed class IntegrationAttribute : Attribute, ITraitAttribute
{
    public const string Category = "Category";
    public const string Value = "Integration";

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new(Category, Value)];
}
