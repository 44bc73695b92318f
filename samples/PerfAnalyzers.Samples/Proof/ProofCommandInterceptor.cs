using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>What one variant sent to and read from the database.</summary>
    internal sealed class ProofMeter
    {
        private int commands;
        private long rowsRead;
        private long valuesRead;

        public int Commands => Volatile.Read(ref commands);

        public long RowsRead => Interlocked.Read(ref rowsRead);

        public long ValuesRead => Interlocked.Read(ref valuesRead);

        public void CountCommand() => Interlocked.Increment(ref commands);

        public void CountRows(long rows, long values)
        {
            Interlocked.Add(ref rowsRead, rows);
            Interlocked.Add(ref valuesRead, values);
        }
    }

    /// <summary>
    /// Counts every SQL command (reader, scalar and non-query; sync and async) and the rows and values read through EF
    /// Core's data readers, into the <see cref="ProofMeter"/> of the variant running on the current async flow. One
    /// shared instance, so EF Core builds its internal service provider once.
    /// </summary>
    internal sealed class ProofCommandInterceptor : DbCommandInterceptor
    {
        public static readonly ProofCommandInterceptor Instance = new();

        private static readonly AsyncLocal<ProofMeter?> CurrentMeter = new();

        private readonly ConditionalWeakTable<DbDataReader, StrongBox<int>> fieldCounts = new();

        private ProofCommandInterceptor()
        {
        }

        /// <summary>The meter that receives counts on this async flow (null: nothing is counted).</summary>
        public static ProofMeter? Current
        {
            get => CurrentMeter.Value;
            set => CurrentMeter.Value = value;
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Current?.CountCommand();
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Current?.CountCommand();
            return new ValueTask<InterceptionResult<DbDataReader>>(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Current?.CountCommand();
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Current?.CountCommand();
            return new ValueTask<InterceptionResult<object>>(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Current?.CountCommand();
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Current?.CountCommand();
            return new ValueTask<InterceptionResult<int>>(result);
        }

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            RememberFieldCount(result);
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            RememberFieldCount(result);
            return new ValueTask<DbDataReader>(result);
        }

        public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
        {
            var meter = Current;
            if (meter is not null)
            {
                var fields = fieldCounts.TryGetValue(eventData.DataReader, out var box) ? box.Value : 0;
                meter.CountRows(eventData.ReadCount, (long)eventData.ReadCount * fields);
            }

            fieldCounts.Remove(eventData.DataReader);
            return result;
        }

        private void RememberFieldCount(DbDataReader reader)
        {
            if (Current is not null)
            {
                fieldCounts.AddOrUpdate(reader, new StrongBox<int>(reader.FieldCount));
            }
        }
    }
}
