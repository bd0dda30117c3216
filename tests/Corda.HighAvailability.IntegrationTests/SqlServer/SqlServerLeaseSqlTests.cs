using Corda.HighAvailability.LeaseElection.SqlServer;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Corda.HighAvailability.IntegrationTests.SqlServer;

/// <summary>
/// Every statement the SQL Server lease store can send, and its DDL, checked offline with Microsoft's own T-SQL
/// parser (ScriptDom), since no SQL Server can run here: zero parse errors, identifiers unquoted, every value a
/// parameter, and the lock hints the compare-and-set and the fence rely on.
/// </summary>
public sealed class SqlServerLeaseSqlTests
{
    private static readonly SqlServerLeaseStore Store = new(new SqlServerLeaseStoreOptions { ConnectionString = "Server=127.0.0.1,1;Database=corda" });

    private static readonly HashSet<string> Parameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "@name", "@holder", "@epoch", "@expected", "@duration_ms", "@machine", "@pid", "@version", "@instance",
    };

    private static readonly HashSet<string> Locals = new(StringComparer.OrdinalIgnoreCase) { "@now", "@succeeded", "@row" };

    public static TheoryData<string> Writes() => new(
        nameof(SqlServerLeaseSql.Acquire),
        nameof(SqlServerLeaseSql.Renew),
        nameof(SqlServerLeaseSql.Release),
        nameof(SqlServerLeaseSql.ForceRelease),
        nameof(SqlServerLeaseSql.Read),
        nameof(SqlServerLeaseSql.PollRevision),
        "FenceCheck");

    public static TheoryData<string> Everything()
    {
        var all = new TheoryData<string>(nameof(SqlServerLeaseSql.Schema), nameof(SqlServerLeaseSql.SchemaEnsure), "GetSchemaScript");
        foreach (var write in Writes())
        {
            all.Add((string)write.Data);
        }

        return all;
    }

    [Theory]
    [MemberData(nameof(Everything))]
    public void Every_statement_and_the_ddl_parse_as_T_SQL_without_errors(string name)
    {
        var script = Parse(Statement(name));

        Assert.NotEmpty(script.Batches);
        Assert.All(Identifiers(script), id => Assert.Equal(QuoteType.NotQuoted, id.QuoteType));
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public void Every_value_is_a_parameter_and_no_text_is_spliced_in(string name)
    {
        var script = Parse(Statement(name));
        var visitor = new Collector();
        script.Accept(visitor);

        Assert.Empty(visitor.StringLiterals);
        Assert.All(visitor.Variables, v => Assert.True(Parameters.Contains(v) || Locals.Contains(v), $"{name} uses undeclared {v}"));
        Assert.Contains("@name", visitor.Variables, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Acquire_updates_under_updlock_and_holdlock_then_inserts_only_if_the_key_is_still_missing()
    {
        var visitor = new Collector();
        Parse(Store.Sql.Acquire).Accept(visitor);

        var update = Assert.Single(visitor.Updates);
        var target = Assert.IsType<NamedTableReference>(update.UpdateSpecification.Target);
        Assert.Equal("corda_ha_lease", target.SchemaObject.BaseIdentifier.Value);
        Assert.Equal("dbo", target.SchemaObject.SchemaIdentifier.Value);
        Assert.Contains(target.TableHints, h => h.HintKind == TableHintKind.UpdLock);
        Assert.Contains(target.TableHints, h => h.HintKind == TableHintKind.HoldLock);
        Assert.Empty(visitor.Merges);

        // Compare-and-set on the revision, never on the holder.
        var where = Text(update.UpdateSpecification.WhereClause);
        Assert.Contains("revision = @expected", where, StringComparison.Ordinal);
        Assert.Contains("holder_id IS NULL", where, StringComparison.Ordinal);
        Assert.DoesNotContain("holder_id = @holder", where, StringComparison.Ordinal);
        Assert.Single(visitor.Inserts, i => i.InsertSpecification.Target is NamedTableReference);
        Assert.Contains("BEGIN TRANSACTION", Store.Sql.Acquire, StringComparison.Ordinal);
        Assert.Contains("SET XACT_ABORT ON", Store.Sql.Acquire, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(SqlServerLeaseSql.Renew))]
    [InlineData(nameof(SqlServerLeaseSql.Release))]
    public void Renew_and_release_compare_holder_and_epoch_and_move_the_revision(string name)
    {
        var visitor = new Collector();
        Parse(Statement(name)).Accept(visitor);

        var update = Assert.Single(visitor.Updates);
        var where = Text(update.UpdateSpecification.WhereClause);
        Assert.Contains("holder_id = @holder", where, StringComparison.Ordinal);
        Assert.Contains("epoch = @epoch", where, StringComparison.Ordinal);
        Assert.Contains("revision = revision + 1", Statement(name), StringComparison.Ordinal);
        Assert.DoesNotContain("epoch = epoch + 1", Statement(name), StringComparison.Ordinal);
    }

    [Fact]
    public void A_forced_release_bumps_the_epoch_and_vacates_whoever_holds_the_lease()
    {
        var sql = Store.Sql.ForceRelease;

        Assert.Contains("epoch = epoch + 1", sql, StringComparison.Ordinal);
        Assert.Contains("holder_id = NULL", sql, StringComparison.Ordinal);
        var visitor = new Collector();
        Parse(sql).Accept(visitor);
        Assert.DoesNotContain("@holder", visitor.Variables, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_time_is_the_server_clock_read_once_per_statement()
    {
        foreach (var sql in new[] { Store.Sql.Acquire, Store.Sql.Renew, Store.Sql.Release, Store.Sql.ForceRelease })
        {
            Assert.Contains("DECLARE @now datetimeoffset(7) = TODATETIMEOFFSET(SYSUTCDATETIME(), 0);", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("GETDATE", sql, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SYSDATETIME()", sql, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_fence_check_takes_a_shared_lock_held_to_commit_under_a_lock_timeout_it_then_resets()
    {
        var sql = Store.Sql.FenceCheck(2500);
        var visitor = new Collector();
        Parse(sql).Accept(visitor);

        var select = Assert.Single(visitor.Selects);
        var table = Assert.IsType<NamedTableReference>(Assert.Single(Assert.IsType<QuerySpecification>(select.QueryExpression).FromClause.TableReferences));
        Assert.Contains(table.TableHints, h => h.HintKind == TableHintKind.HoldLock);
        Assert.Contains(table.TableHints, h => h.HintKind == TableHintKind.Rowlock);
        Assert.StartsWith("SET LOCK_TIMEOUT 2500;", sql, StringComparison.Ordinal);
        Assert.EndsWith("SET LOCK_TIMEOUT -1;", sql.TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("SET LOCK_TIMEOUT 1;", Store.Sql.FenceCheck(0), StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_script_creates_the_table_only_if_missing_with_the_lease_columns()
    {
        var script = Store.GetSchemaScript();

        Assert.Contains("IF OBJECT_ID(N'dbo.corda_ha_lease', N'U') IS NULL", script, StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY CLUSTERED (lease_name)", script, StringComparison.Ordinal);
        Assert.Contains("GRANT SELECT, INSERT, UPDATE ON dbo.corda_ha_lease", script, StringComparison.Ordinal);
        var visitor = new Collector();
        Parse(script).Accept(visitor);
        var create = Assert.Single(visitor.Creates);
        Assert.Equal(
            ["lease_name", "holder_id", "epoch", "revision", "acquired_at", "renewed_at", "expires_at", "holder_machine", "holder_pid", "holder_version", "holder_instance"],
            create.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public void Every_runtime_statement_reads_or_writes_only_the_lease_table_so_SELECT_INSERT_UPDATE_on_it_suffice(string name)
    {
        var visitor = new Collector();
        Parse(Statement(name)).Accept(visitor);

        // What the GRANT in the schema script promises: no other table, no procedure (sp_getapplock is the DDL's
        // only), no DELETE, MERGE or DDL, so the runtime user needs nothing beyond SELECT, INSERT and UPDATE on it.
        Assert.NotEmpty(visitor.Tables);
        Assert.All(visitor.Tables, table => Assert.Equal("dbo.corda_ha_lease", Text(table.SchemaObject)));
        Assert.All(visitor.Statements, statement => Assert.DoesNotMatch("^(Execute|Delete|Merge|Truncate|Create|Alter|Drop|Grant)", statement.GetType().Name));
    }

    [Fact]
    public void A_custom_schema_and_table_are_used_everywhere()
    {
        var store = new SqlServerLeaseStore(new SqlServerLeaseStoreOptions { ConnectionString = "Server=x", SchemaName = "corda_ha", TableName = "leases" });

        foreach (var sql in new[] { store.Sql.Acquire, store.Sql.Renew, store.Sql.Release, store.Sql.ForceRelease, store.Sql.Read, store.Sql.PollRevision, store.Sql.FenceCheck(1), store.GetSchemaScript() })
        {
            Assert.Contains("corda_ha.leases", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("corda_ha_lease", sql, StringComparison.Ordinal);
        }

        Assert.Equal("sqlserver", store.ProviderName);
    }

    private static string Statement(string name) => name switch
    {
        nameof(SqlServerLeaseSql.Schema) => Store.Sql.Schema,
        nameof(SqlServerLeaseSql.SchemaEnsure) => Store.Sql.SchemaEnsure,
        "GetSchemaScript" => Store.GetSchemaScript(),
        nameof(SqlServerLeaseSql.Acquire) => Store.Sql.Acquire,
        nameof(SqlServerLeaseSql.Renew) => Store.Sql.Renew,
        nameof(SqlServerLeaseSql.Release) => Store.Sql.Release,
        nameof(SqlServerLeaseSql.ForceRelease) => Store.Sql.ForceRelease,
        nameof(SqlServerLeaseSql.Read) => Store.Sql.Read,
        nameof(SqlServerLeaseSql.PollRevision) => Store.Sql.PollRevision,
        "FenceCheck" => Store.Sql.FenceCheck(2500),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static TSqlScript Parse(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        return Assert.IsType<TSqlScript>(fragment);
    }

    private static string Text(TSqlFragment fragment) => string.Concat(
        Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1).Select(i => fragment.ScriptTokenStream[i].Text));

    private static IEnumerable<Identifier> Identifiers(TSqlScript script)
    {
        var visitor = new Collector();
        script.Accept(visitor);
        return visitor.Identifiers;
    }

    private sealed class Collector : TSqlFragmentVisitor
    {
        public List<string> Variables { get; } = [];

        public List<string> StringLiterals { get; } = [];

        public List<Identifier> Identifiers { get; } = [];

        public List<UpdateStatement> Updates { get; } = [];

        public List<InsertStatement> Inserts { get; } = [];

        public List<MergeStatement> Merges { get; } = [];

        public List<SelectStatement> Selects { get; } = [];

        public List<CreateTableStatement> Creates { get; } = [];

        public List<NamedTableReference> Tables { get; } = [];

        public List<TSqlStatement> Statements { get; } = [];

        public override void Visit(NamedTableReference node) => Tables.Add(node);

        public override void Visit(TSqlStatement node) => Statements.Add(node);

        public override void Visit(VariableReference node) => Variables.Add(node.Name);

        public override void Visit(VariableTableReference node) => Variables.Add(node.Variable.Name);

        public override void Visit(StringLiteral node) => StringLiterals.Add(node.Value);

        public override void Visit(Identifier node) => Identifiers.Add(node);

        public override void Visit(UpdateStatement node) => Updates.Add(node);

        public override void Visit(InsertStatement node) => Inserts.Add(node);

        public override void Visit(MergeStatement node) => Merges.Add(node);

        public override void Visit(SelectStatement node) => Selects.Add(node);

        public override void Visit(CreateTableStatement node) => Creates.Add(node);
    }
}
