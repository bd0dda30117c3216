using System.Reflection;
using System.Text.RegularExpressions;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.PostgreSql.LeaseElection;
using Corda.HighAvailability.Sqlite.LeaseElection;
using Corda.HighAvailability.SqlServer.Checkpoints;

namespace Corda.HighAvailability.Tests.Conventions;

/// <summary>DistributedLock-style conventions, checked on every library assembly and source file.</summary>
public sealed partial class ConventionTests
{
    public static TheoryData<string> LibraryAssemblies => new(Libraries.Select(a => a.GetName().Name!));

    private static readonly Assembly[] Libraries =
    [
        typeof(CordaHaDiagnostics).Assembly,
        typeof(ILeaseElector).Assembly,
        typeof(SqliteLeaseStore).Assembly,
        typeof(PostgreSqlLeaseStore).Assembly,
        typeof(ICheckpointVerifier).Assembly,
        typeof(SqlServerCheckpointOptions).Assembly,
    ];

    [Theory]
    [MemberData(nameof(LibraryAssemblies))]
    public void Public_classes_are_sealed_static_or_abstract_extension_points(string assemblyName)
    {
        var assembly = Libraries.Single(a => a.GetName().Name == assemblyName);
        var unsealed = assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract)
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(unsealed);
    }

    [Theory]
    [MemberData(nameof(LibraryAssemblies))]
    public void Public_types_live_under_the_product_namespace_or_the_di_namespace(string assemblyName)
    {
        var assembly = Libraries.Single(a => a.GetName().Name == assemblyName);
        var stray = assembly.GetExportedTypes()
            .Where(t => !(t.Namespace ?? string.Empty).StartsWith("Corda.HighAvailability", StringComparison.Ordinal)
                        && t.Namespace != "Microsoft.Extensions.DependencyInjection")
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(stray);
    }

    [Fact]
    public void Every_await_in_library_code_uses_ConfigureAwait_false()
    {
        var offenders = new List<string>();
        foreach (var file in LibrarySourceFiles())
        {
            var text = File.ReadAllText(file);
            foreach (Match match in AwaitExpression().Matches(text))
            {
                var statement = AwaitedStatement(text, match.Index);
                if (!statement.Contains("ConfigureAwait(false)", StringComparison.Ordinal))
                {
                    var line = text.AsSpan(0, match.Index).Count('\n') + 1;
                    offenders.Add($"{Path.GetFileName(file)}:{line}: {statement.Split('\n')[0].Trim()}");
                }
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void Library_code_never_reads_the_wall_clock_sleeps_a_thread_or_writes_to_the_console()
    {
        var offenders = LibrarySourceFiles()
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (file, line, i)))
            .Where(x => Forbidden().IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    /// <summary>The awaited statement: up to the ';' or '{' at nesting depth 0 (lambdas inside are skipped over).</summary>
    private static string AwaitedStatement(string text, int start)
    {
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(' or '[':
                    depth++;
                    break;
                case ')' or ']':
                    depth--;
                    break;
                case '{' when depth > 0:
                    depth++;
                    break;
                case '}' when depth > 0:
                    depth--;
                    break;
                case ';' or '{' when depth == 0:
                    return text[start..i];
            }
        }

        return text[start..];
    }

    private static IEnumerable<string> LibrarySourceFiles()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        return Directory.EnumerateDirectories(src)
            .Where(d => File.Exists(Path.Combine(d, "PublicAPI.Shipped.txt")))
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Corda.HighAvailability.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Corda.HighAvailability.sln not found above the test output.");
    }

    [GeneratedRegex(@"(?<![/\w])await\s+(?!foreach)")]
    private static partial Regex AwaitExpression();

    [GeneratedRegex(@"DateTime(Offset)?\.(Now|UtcNow)|Thread\.Sleep\(|Console\.(Write|Out|Error)")]
    private static partial Regex Forbidden();
}
