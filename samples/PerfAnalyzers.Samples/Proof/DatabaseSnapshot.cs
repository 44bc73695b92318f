using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using PerfAnalyzers.Samples.Model;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>One table's contents after a variant ran: its row count and a SHA-256 over every value, ordered by key.</summary>
    public sealed record TableSnapshot(string Table, int Rows, string Hash);

    /// <summary>Reads every mapped table (including the many-to-many join table) ordered by its primary key.</summary>
    internal static class DatabaseSnapshot
    {
        public static async Task<IReadOnlyList<TableSnapshot>> TakeAsync(SampleDbContext context, CancellationToken ct)
        {
            var sql = context.GetService<ISqlGenerationHelper>();
            var connection = context.Database.GetDbConnection();
            await context.Database.OpenConnectionAsync(ct);
            try
            {
                var tables = new List<TableSnapshot>();
                foreach (var entityType in context.Model.GetEntityTypes().OrderBy(e => e.GetTableName(), StringComparer.Ordinal))
                {
                    var tableName = entityType.GetTableName();
                    var key = entityType.FindPrimaryKey();
                    if (tableName is null || key is null)
                    {
                        continue;
                    }

                    var table = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
                    var columns = entityType.GetProperties()
                        .Select(p => p.GetColumnName(table))
                        .OfType<string>()
                        .Distinct()
                        .OrderBy(c => c, StringComparer.Ordinal)
                        .ToList();
                    var keyColumns = key.Properties.Select(p => p.GetColumnName(table)).OfType<string>().ToList();

                    await using var command = connection.CreateCommand();
                    command.CommandText =
                        $"SELECT {string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c)))} " +
                        $"FROM {sql.DelimitIdentifier(tableName, entityType.GetSchema())} " +
                        $"ORDER BY {string.Join(", ", keyColumns.Select(c => sql.DelimitIdentifier(c)))}";
                    tables.Add(await HashAsync(tableName, command, ct));
                }

                return tables;
            }
            finally
            {
                await context.Database.CloseConnectionAsync();
            }
        }

        private static async Task<TableSnapshot> HashAsync(string tableName, DbCommand command, CancellationToken ct)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var rows = 0;
            await using var reader = await command.ExecuteReaderAsync(ct);
            var line = new StringBuilder();
            while (await reader.ReadAsync(ct))
            {
                rows++;
                line.Clear();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    line.Append(Format(reader.IsDBNull(i) ? null : reader.GetValue(i))).Append('\u001f');
                }

                line.Append('\n');
                hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
            }

            return new TableSnapshot(tableName, rows, Convert.ToHexString(hash.GetHashAndReset()).Substring(0, 16));
        }

        private static string Format(object? value) => value switch
        {
            null => "<null>",
            DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
            bool b => b ? "1" : "0",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            byte[] bytes => Convert.ToHexString(bytes),
            _ => value.ToString() ?? "",
        };
    }
}
