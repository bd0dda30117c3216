using System.Text.RegularExpressions;

namespace Corda.HighAvailability.Data;

/// <summary>
/// Validates SQL identifiers (schema and table names) that providers must splice into statements, because
/// identifiers cannot be bound as parameters. Values are never quoted or escaped: anything outside the safe
/// alphabet is refused at start-up, with the option's name in the message.
/// </summary>
public static partial class SqlIdentifier
{
    /// <summary>The longest identifier accepted: PostgreSQL truncates at 63 bytes, so refuse rather than truncate.</summary>
    public const int MaxLength = 63;

    /// <summary>Returns <see langword="null"/> when <paramref name="value"/> is a safe identifier, otherwise the reason it is not.</summary>
    /// <param name="value">The identifier.</param>
    /// <param name="optionName">The option that supplied it, named in the message.</param>
    /// <returns>An error message naming the option, or <see langword="null"/>.</returns>
    public static string? Check(string? value, string optionName)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{optionName} is required.";
        }

        if (value.Length > MaxLength)
        {
            return $"{optionName} '{value}' is longer than {MaxLength} characters.";
        }

        return SafeIdentifier().IsMatch(value)
            ? null
            : $"{optionName} '{value}' is not a valid SQL identifier: use a letter or '_' followed by letters, digits or '_'.";
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="value"/> is a safe identifier.</summary>
    /// <param name="value">The identifier.</param>
    /// <param name="optionName">The option that supplied it, named in the message.</param>
    /// <returns><paramref name="value"/>, for use in initialisers.</returns>
    public static string Validate(string? value, string optionName)
    {
        var error = Check(value, optionName);
        return error is null ? value! : throw new ArgumentException(error, optionName);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeIdentifier();
}
