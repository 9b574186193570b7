using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Admin;

/// <summary>
/// The admin API's answer: a result, or an error with the field errors that caused it. <see cref="Warning"/> goes with a
/// success that is not yet complete everywhere (a setting saved that some nodes did not confirm in time).
/// </summary>
public sealed record AdminReply(IAdminResult? Result, string? Error = null, IReadOnlyList<FieldError>? FieldErrors = null, string? Warning = null)
{
    public bool Ok => Error is null;

    public static AdminReply Success(IAdminResult result) => new(result);

    public static AdminReply Failure(string error, IReadOnlyList<FieldError>? fieldErrors = null) => new(null, error, fieldErrors);

    public static AdminReply From(ValidationException ex) => Failure(ex.Message, ex.Errors);
}
