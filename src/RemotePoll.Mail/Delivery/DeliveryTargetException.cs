namespace RemotePoll.Mail.Delivery;

/// <summary>A delivery target option has a value that cannot be used; the message names the option and why.</summary>
public sealed class DeliveryTargetException(string optionName, string? value, string reason)
    : FormatException($"{optionName} = '{value}': {reason}")
{
    public string OptionName { get; } = optionName;
    public string? Value { get; } = value;
    public string Reason { get; } = reason;
}
