namespace RemotePoll.Core.Validation;

/// <summary>Thrown when input is refused; nothing was changed. The message names every field and reason.</summary>
public sealed class ValidationException(IReadOnlyList<FieldError> errors)
    : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    public ValidationException(string field, string reason) : this([new FieldError(field, reason)]) { }
}
