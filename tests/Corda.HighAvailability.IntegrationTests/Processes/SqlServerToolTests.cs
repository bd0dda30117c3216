using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Drill;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// corda-ha on SQL Server without a SQL Server (none can run here): the drill's T-SQL and the DDL that
/// <c>lease schema --provider sqlserver</c> prints are checked with Microsoft's own parser (ScriptDom), and the
/// lease commands fail on an unreachable server with the connection exit code, never printing the password.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class SqlServerToolTests
{
    private const string Unreachable = "Server=tcp:127.0.0.1,1;User Id=sa;Password=hunter2;Connect Timeout=2;Encrypt=false";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly HashSet<string> DrillParameters = new(StringComparer.OrdinalIgnoreCase) { "@lease", "@holder", "@epoch" };

    public static TheoryData<string> DrillStatements() => new(nameof(DrillSql.Create), nameof(DrillSql.InsertWrite), nameof(DrillSql.DeleteRun), nameof(DrillSql.SelectRun));

    [Fact]
    public void The_sqlserver_row_wires_the_SQL_Server_lease_store_and_drill_dialect()
    {
        var lease = ProviderTable.Get(ProviderKind.SqlServer).RequireLease();

        Assert.Same(DrillSql.SqlServer, lease.Drill);
        var store = lease.CreateStore(lease.SchemaPlaceholder, "my_leases");
        Assert.Equal("sqlserver", store.ProviderName);
        Assert.Contains("dbo.my_leases", store.GetSchemaScript(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DrillStatements))]
    public void Every_drill_statement_parses_as_T_SQL_and_takes_only_parameters(string name)
    {
        var visitor = new Collector();
        Parse(Statement(name)).Accept(visitor);

        Assert.All(visitor.Identifiers, id => Assert.Equal(QuoteType.NotQuoted, id.QuoteType));
        Assert.All(visitor.Variables, v => Assert.Contains(v, DrillParameters));
        if (name != nameof(DrillSql.Create))
        {
            Assert.Empty(visitor.StringLiterals);
            Assert.Contains("@lease", visitor.Variables, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_drill_tables_are_created_only_if_missing()
    {
        var visitor = new Collector();
        Parse(DrillSql.SqlServer.Create).Accept(visitor);

        Assert.Equal(
            [DrillSql.TableName, DrillSql.ClockTableName],
            visitor.Creates.Select(c => c.SchemaObjectName.BaseIdentifier.Value));
        Assert.Equal(2, visitor.Ifs.Count);
        Assert.All(visitor.Ifs, i => Assert.Contains("OBJECT_ID", Text(i.Predicate), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_write_bumps_the_counter_under_updlock_and_holdlock_then_logs_under_its_number()
    {
        var sql = DrillSql.SqlServer.InsertWrite;
        var visitor = new Collector();
        Parse(sql).Accept(visitor);

        // The counter row: UPDATE under UPDLOCK + HOLDLOCK (held to the commit, so numbers follow commit order),
        // then INSERT only if there was no row.
        var update = Assert.Single(visitor.Updates);
        var target = Assert.IsType<NamedTableReference>(update.UpdateSpecification.Target);
        Assert.Equal(DrillSql.ClockTableName, target.SchemaObject.BaseIdentifier.Value);
        Assert.Contains(target.TableHints, h => h.HintKind == TableHintKind.UpdLock);
        Assert.Contains(target.TableHints, h => h.HintKind == TableHintKind.HoldLock);
        Assert.Empty(visitor.Merges);
        var branch = Assert.Single(visitor.Ifs);
        Assert.Contains("@@ROWCOUNT = 0", Text(branch.Predicate), StringComparison.OrdinalIgnoreCase);
        Assert.IsType<InsertStatement>(branch.ThenStatement);

        // The log row, numbered from the counter row this transaction holds, stamped with the server's UTC clock.
        Assert.Equal(2, visitor.Inserts.Count);
        var log = visitor.Inserts[^1];
        Assert.Equal(DrillSql.TableName, Assert.IsType<NamedTableReference>(log.InsertSpecification.Target).SchemaObject.BaseIdentifier.Value);
        Assert.Equal(["lease_name", "holder", "epoch", "commit_seq", "written_at"], log.InsertSpecification.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value));
        var source = Text(Assert.IsType<SelectInsertSource>(log.InsertSpecification.InsertSource));
        Assert.Contains("SYSUTCDATETIME()", source, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(DrillSql.ClockTableName, source, StringComparison.Ordinal);
        Assert.True(sql.IndexOf("UPDATE", StringComparison.Ordinal) < sql.IndexOf($"INSERT INTO {DrillSql.TableName}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lease_schema_prints_parsable_T_SQL_DDL_without_connecting()
    {
        var run = await CordaHaTool.RunAsync(Timeout, "lease", "schema", "--provider", "sqlserver", "--table", "my_leases");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var visitor = new Collector();
        Parse(run.Stdout).Accept(visitor);
        var create = Assert.Single(visitor.Creates);
        Assert.Equal("my_leases", create.SchemaObjectName.BaseIdentifier.Value);
        Assert.Equal("dbo", create.SchemaObjectName.SchemaIdentifier.Value);

        var mssql = await CordaHaTool.RunAsync(Timeout, "lease", "schema", "-p", "mssql");
        Assert.True(mssql.ExitCode == ExitCodes.Success, mssql.ToString());
        Assert.Equal("corda_ha_lease", Assert.Single(Collect(mssql.Stdout).Creates).SchemaObjectName.BaseIdentifier.Value);
    }

    [Theory]
    [InlineData("lease", "status", "--provider", "sqlserver")]
    [InlineData("lease", "status", "-p", "mssql", "--format", "json")]
    [InlineData("lease", "release", "--provider", "sqlserver")]
    [InlineData("lease", "release", "--provider", "sqlserver", "--force")]
    public async Task Lease_commands_on_an_unreachable_server_fail_with_the_connection_exit_code_and_never_print_the_password(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, [.. arguments, "--connection", Unreachable]);

        Assert.True(run.ExitCode == ExitCodes.UsageOrConnection, run.ToString());
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("corda-ha: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not available", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    private static string Statement(string name) => name switch
    {
        nameof(DrillSql.Create) => DrillSql.SqlServer.Create,
        nameof(DrillSql.InsertWrite) => DrillSql.SqlServer.InsertWrite,
        nameof(DrillSql.DeleteRun) => DrillSql.SqlServer.DeleteRun,
        nameof(DrillSql.SelectRun) => DrillSql.SqlServer.SelectRun,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static Collector Collect(string sql)
    {
        var visitor = new Collector();
        Parse(sql).Accept(visitor);
        return visitor;
    }

    private static TSqlScript Parse(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        var script = Assert.IsType<TSqlScript>(fragment);
        Assert.NotEmpty(script.Batches);
        return script;
    }

    private static string Text(TSqlFragment fragment) => string.Concat(
        Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1).Select(i => fragment.ScriptTokenStream[i].Text));

    private sealed class Collector : TSqlFragmentVisitor
    {
        public List<string> Variables { get; } = [];

        public List<string> StringLiterals { get; } = [];

        public List<Identifier> Identifiers { get; } = [];

        public List<UpdateStatement> Updates { get; } = [];

        public List<InsertStatement> Inserts { get; } = [];

        public List<MergeStatement> Merges { get; } = [];

        public List<IfStatement> Ifs { get; } = [];

        public List<CreateTableStatement> Creates { get; } = [];

        public override void Visit(VariableReference node) => Variables.Add(node.Name);

        public override void Visit(StringLiteral node) => StringLiterals.Add(node.Value);

        public override void Visit(Identifier node) => Identifiers.Add(node);

        public override void Visit(UpdateStatement node) => Updates.Add(node);

        public override void Visit(InsertStatement node) => Inserts.Add(node);

        public override void Visit(MergeStatement node) => Merges.Add(node);

        public override void Visit(IfStatement node) => Ifs.Add(node);

        public override void Visit(CreateTableStatement node) => Creates.Add(node);
    }
}
