using System.Reflection;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.IntegrationTests.SqlServer;

/// <summary>
/// Builds real <see cref="SqlException"/> instances carrying given error numbers. SqlException, SqlError and
/// SqlErrorCollection have no public constructors, so this goes through their internal ones by reflection, as
/// is commonly done in tests; it adapts to the constructor SqlClient has by filling arguments by type.
/// </summary>
internal static class SqlExceptionFactory
{
    private const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;

    public static SqlException Create(params int[] numbers)
    {
        var collection = (SqlErrorCollection)typeof(SqlErrorCollection).GetConstructor(Internal, Type.EmptyTypes)!.Invoke(null);
        var add = typeof(SqlErrorCollection).GetMethod("Add", Internal)!;
        foreach (var number in numbers)
        {
            add.Invoke(collection, [NewError(number)]);
        }

        var create = typeof(SqlException).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name == "CreateException")
            .Select(m => (Method: m, Parameters: m.GetParameters()))
            .Where(m => m.Parameters.Length >= 2 && m.Parameters[0].ParameterType == typeof(SqlErrorCollection) && m.Parameters[1].ParameterType == typeof(string))
            .OrderBy(m => m.Parameters.Length)
            .First();
        var arguments = create.Parameters.Select((p, i) => i switch
        {
            0 => collection,
            1 => "16.00.1000",
            _ => p.HasDefaultValue ? p.DefaultValue : Default(p.ParameterType),
        }).ToArray();
        return (SqlException)create.Method.Invoke(null, arguments)!;
    }

    private static SqlError NewError(int number)
    {
        // The longest internal constructor that starts with the error number (int infoNumber, byte state, byte class, ...).
        var constructor = typeof(SqlError).GetConstructors(Internal)
            .Where(c => c.GetParameters() is { Length: > 3 } p && p[0].ParameterType == typeof(int))
            .OrderByDescending(c => c.GetParameters().Length)
            .First();
        var arguments = constructor.GetParameters().Select((p, i) => i == 0 ? number : p.ParameterType switch
        {
            var t when t == typeof(byte) => (byte)16,
            var t when t == typeof(string) => $"error {number}",
            var t when t == typeof(int) => 1,
            var t when t == typeof(uint) => 0u,
            _ => p.HasDefaultValue ? p.DefaultValue : Default(p.ParameterType),
        }).ToArray();
        return (SqlError)constructor.Invoke(arguments);
    }

    private static object? Default(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;
}
