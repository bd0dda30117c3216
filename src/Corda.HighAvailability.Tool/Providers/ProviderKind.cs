namespace Corda.HighAvailability.Tool.Providers;

/// <summary>
/// The databases corda-ha knows by name. Every member needs a row in <see cref="ProviderTable"/>, which says what
/// the tool can do on it; a member without one fails every command at start-up.
/// </summary>
internal enum ProviderKind
{
    Sqlite,
    Postgres,
    SqlServer,
}
