using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// Multi-row INSERTs for the seeder, driven by the EF model: table and column names, and parameters created by each
    /// property's relational type mapping, so the values are stored exactly as EF Core itself would store them.
    /// </summary>
    internal sealed class BulkWriter
    {
        private const int MaxParametersPerCommand = 2_000;

        private readonly DbContext context;
        private readonly DbTransaction transaction;
        private readonly ISqlGenerationHelper sql;

        public BulkWriter(DbContext context, DbTransaction transaction)
        {
            this.context = context;
            this.transaction = transaction;
            sql = context.GetService<ISqlGenerationHelper>();
        }

        public Task InsertAsync<TEntity>(IEntityType entityType, IReadOnlyList<TEntity> entities, CancellationToken ct)
            where TEntity : class
        {
            var properties = entityType.GetProperties().ToList();
            return InsertAsync(
                entityType,
                properties,
                entities.Select(e => properties.Select(p => p.GetGetter().GetClrValue(e)).ToArray()),
                ct);
        }

        public async Task InsertAsync(IEntityType entityType, IReadOnlyList<IProperty> properties, IEnumerable<object?[]> rows, CancellationToken ct)
        {
            var tableName = entityType.GetTableName()!;
            var table = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
            var header = $"INSERT INTO {sql.DelimitIdentifier(tableName, entityType.GetSchema())} " +
                $"({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) VALUES ";
            var rowsPerCommand = MaxParametersPerCommand / properties.Count;
            foreach (var chunk in rows.Chunk(rowsPerCommand))
            {
                await using var command = context.Database.GetDbConnection().CreateCommand();
                command.Transaction = transaction;
                var text = new StringBuilder(header);
                var n = 0;
                for (var r = 0; r < chunk.Length; r++)
                {
                    text.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < properties.Count; c++)
                    {
                        var name = "p" + n++;
                        text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
                        var mapping = (RelationalTypeMapping)properties[c].GetRelationalTypeMapping();
                        command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName(name), chunk[r][c], properties[c].IsNullable));
                    }

                    text.Append(')');
                }

                command.CommandText = text.ToString();
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
