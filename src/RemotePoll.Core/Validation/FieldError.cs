namespace RemotePoll.Core.Validation;

/// <summary>One bad value: the field it was given for (in the spec's words) and why it was refused.</summary>
public sealed record FieldError(string Field, string Reason)
{
    public override string ToString() => $"{Field}: {Reason}";
}
