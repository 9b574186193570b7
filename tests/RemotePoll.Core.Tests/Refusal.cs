using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests;

/// <summary>Asserts that input is refused with a <see cref="ValidationException"/> naming the field and the reason.</summary>
internal static class Refusal
{
    public static ValidationException Names(string field, string reasonPart, Func<object?> act) =>
        Check(Assert.Throws<ValidationException>(act), field, reasonPart);

    public static ValidationException Names(string field, string reasonPart, Action act) =>
        Check(Assert.Throws<ValidationException>(act), field, reasonPart);

    private static ValidationException Check(ValidationException ex, string field, string reasonPart)
    {
        Assert.True(
            ex.Errors.Any(e => e.Field == field && e.Reason.Contains(reasonPart, StringComparison.Ordinal)),
            $"expected an error for '{field}' with '{reasonPart}', got: {ex.Message}");
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        return ex;
    }
}
