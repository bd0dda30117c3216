namespace Corda.HighAvailability.Data;

/// <summary>
/// Checks a connection string option for provider packages without ever echoing it: neither the value nor the
/// driver's parser message goes into the error, since either may contain the password.
/// </summary>
public static class ConnectionStringCheck
{
    /// <summary>Returns an error naming the option when the connection string is missing or cannot be parsed.</summary>
    /// <param name="value">The connection string.</param>
    /// <param name="optionName">The option's full name, e.g. <c>PostgreSqlLeaseStoreOptions.ConnectionString</c>.</param>
    /// <param name="driver">The driver whose syntax applies, e.g. <c>Npgsql</c>, for the message.</param>
    /// <param name="parse">Parses the value with the driver's connection string builder; throws when it is invalid.</param>
    /// <returns>The error, or <see langword="null"/> when the value parses.</returns>
    public static string? Check(string? value, string optionName, string driver, Action<string> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{optionName} is required.";
        }

        try
        {
            parse(value);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or InvalidCastException or KeyNotFoundException or OverflowException)
        {
            return $"{optionName} is not a valid {driver} connection string.";
        }
    }
}
