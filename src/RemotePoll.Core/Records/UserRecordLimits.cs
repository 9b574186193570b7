using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Records;

/// <summary>
/// What a record created or changed by an account user may not do beyond an administrator's record: poll more often
/// than the module's user-min-poll-every, or name a file on the nodes as its CA file. (Its target addresses are
/// checked where they can be resolved: at save and at connect.)
/// </summary>
public static class UserRecordLimits
{
    /// <summary>Throws <see cref="ValidationException"/> naming each field beyond the limits; nothing for administrators' records.</summary>
    public static void Check(bool byAccountUser, PollPeriod period, TlsTrust trust, ModuleSettings settings)
    {
        if (!byAccountUser) return;
        var errors = new List<FieldError>();
        var min = settings.UserMinPollEveryOrDefault;
        if (period.Interval is { } every && every < min)
            errors.Add(new FieldError("Poll Every", $"{period} is shorter than {PollPeriod.Every(min)}, the shortest period for records of account users (module setting user-min-poll-every)"));
        if (trust.Mode == TlsTrustMode.CaFile)
            errors.Add(new FieldError("TLS CA File", "names a file on the server: only an administrator may set it on a record"));
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}
