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
    /// Core's data readers (<see cref="CountingDataReader"/>) into the <see cref="ProofMeter"/> of the variant running on
    /// the current async flow. One shared instance, so EF Core builds its internal service provider once.
    /// </summary>
    internal sealed class ProofCommandInterceptor : DbCommandInterceptor
    {
        public static readonly ProofCommandInterceptor Instance = new();

        private static readonly AsyncLocal<ProofMeter?> CurrentMeter = new();

        private readonly ConditionalWeakTable<DbDataReader, StrongBox<int>> saveChangesReaders = new();

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

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result) => Count(eventData, result);

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default) =>
            new(Count(eventData, result));

        public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
        {
            if (saveChangesReaders.TryGetValue(eventData.DataReader, out var fields))
            {
                saveChangesReaders.Remove(eventData.DataReader);
                Current?.CountRows(eventData.ReadCount, (long)eventData.ReadCount * fields.Value);
            }

            return result;
        }

        /// <summary>
        /// Query readers are handed to EF Core wrapped in a <see cref="CountingDataReader"/> (EF Core supports replacing
        /// the reader here). SaveChanges readers stay unwrapped, because providers cast them to their own type (Npgsql
        /// does): their rows are EF Core's ReadCount, taken when the reader is disposed.
        /// </summary>
        private DbDataReader Count(CommandExecutedEventData eventData, DbDataReader reader)
        {
            if (Current is not { } meter)
            {
                return reader;
            }

            if (eventData.CommandSource == CommandSource.SaveChanges)
            {
                saveChangesReaders.AddOrUpdate(reader, new StrongBox<int>(reader.FieldCount));
                return reader;
            }

            return new CountingDataReader(reader, meter);
        }
    }
}
