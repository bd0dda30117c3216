namespace Corda.HighAvailability.Tool.Providers;

/// <summary>The names of <see cref="ProviderKind"/> on the command line and in output.</summary>
internal static class ProviderNames
{
    public const string Choices = "sqlite|postgres";

    public static bool TryParse(string? text, out ProviderKind provider)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "sqlite":
                provider = ProviderKind.Sqlite;
                return true;
            case "postgres" or "postgresql" or "pg":
                provider = ProviderKind.Postgres;
                return true;
            default:
                provider = default;
                return false;
        }
    }

    public static string Name(ProviderKind provider) => provider == ProviderKind.Sqlite ? "sqlite" : "postgres";
}
