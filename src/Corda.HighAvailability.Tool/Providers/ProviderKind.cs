namespace Corda.HighAvailability.Tool.Providers;

/// <summary>The databases corda-ha can talk to; <see cref="StoreFactory"/> maps each to its provider package.</summary>
internal enum ProviderKind
{
    Sqlite,
    Postgres,
}
