using System.Reflection;
using System.Text.RegularExpressions;

namespace Corda.HighAvailability.Tests.Conventions;

/// <summary>DistributedLock-style conventions, checked on every library assembly and source file.</summary>
public sealed partial class ConventionTests
{
    public static TheoryData<string> LibraryAssemblies => new(LibraryNames());

    /// <summary>Every library is a folder of <c>src/</c> with tracked public API; each must load here, so a new
    /// package is covered by these conventions as soon as it exists (reference it from this test project).</summary>
    private static readonly Assembly[] Libraries = LibraryNames().Select(name => Assembly.Load(new AssemblyName(name))).ToArray();

    [Fact]
    public void Every_library_folder_is_covered()
    {
        Assert.Contains("Corda.HighAvailability.LeaseElection.PostgreSql", LibraryNames());
        Assert.Equal(LibraryNames().Count, Libraries.Length);
    }

    [Theory]
    [InlineData("Corda.HighAvailability.LeaseElection", "Corda.HighAvailability.Checkpoints")]
    [InlineData("Corda.HighAvailability.Checkpoints", "Corda.HighAvailability.LeaseElection")]
    public void A_host_of_one_capability_pulls_no_assembly_of_the_other(string capability, string other)
    {
        foreach (var library in Libraries.Where(a => a.GetName().Name!.StartsWith(capability, StringComparison.Ordinal)))
        {
            var pulled = ProductClosure(library).Where(name => name.StartsWith(other, StringComparison.Ordinal)).ToList();
            Assert.True(pulled.Count == 0, $"{library.GetName().Name} pulls {string.Join(", ", pulled)}");
        }
    }

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

    /// <summary>The names of the product assemblies <paramref name="root"/> references, directly or not.</summary>
    private static HashSet<string> ProductClosure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Corda.HighAvailability", StringComparison.Ordinal)))
            {
                if (seen.Add(reference.Name!))
                {
                    pending.Push(Assembly.Load(reference));
                }
            }
        }

        return seen;
    }

    private static List<string> LibraryNames() => Directory.EnumerateDirectories(Path.Combine(RepositoryRoot(), "src"))
        .Where(d => File.Exists(Path.Combine(d, "PublicAPI.Shipped.txt")))
        .Select(Path.GetFileName)
        .OfType<string>()
        .Order(StringComparer.Ordinal)
        .ToList();

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
            .Where(d => File.Exists(Path.Combine(d, "PublicAPI.Shipped.txt")) || Path.GetFileName(d) == "Shared")
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
