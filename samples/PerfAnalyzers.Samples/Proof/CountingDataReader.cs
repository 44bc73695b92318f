using System;
using System.Collections;
using System.Data;
using System.Data.Common;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// Passes every call through to the provider's data reader and counts the rows it returns (a Read that returned
    /// true) and the values in them (rows x columns of the current result set). EF Core's own ReadCount counts Read
    /// calls, including the last one that finds no row, which would add one phantom row per query.
    /// </summary>
    internal sealed class CountingDataReader : DbDataReader
    {
        private readonly DbDataReader inner;
        private readonly ProofMeter meter;
        private int fieldCount;

        public CountingDataReader(DbDataReader inner, ProofMeter meter)
        {
            this.inner = inner;
            this.meter = meter;
            fieldCount = inner.FieldCount;
        }

        public override int Depth => inner.Depth;

        public override int FieldCount => inner.FieldCount;

        public override bool HasRows => inner.HasRows;

        public override bool IsClosed => inner.IsClosed;

        public override int RecordsAffected => inner.RecordsAffected;

        public override int VisibleFieldCount => inner.VisibleFieldCount;

        public override object this[int ordinal] => inner[ordinal];

        public override object this[string name] => inner[name];

        public override bool Read()
        {
            var read = inner.Read();
            Count(read);
            return read;
        }

        public override async Task<bool> ReadAsync(CancellationToken cancellationToken)
        {
            var read = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            Count(read);
            return read;
        }

        public override bool NextResult()
        {
            var next = inner.NextResult();
            fieldCount = next ? inner.FieldCount : 0;
            return next;
        }

        public override async Task<bool> NextResultAsync(CancellationToken cancellationToken)
        {
            var next = await inner.NextResultAsync(cancellationToken).ConfigureAwait(false);
            fieldCount = next ? inner.FieldCount : 0;
            return next;
        }

        public override bool GetBoolean(int ordinal) => inner.GetBoolean(ordinal);

        public override byte GetByte(int ordinal) => inner.GetByte(ordinal);

        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);

        public override char GetChar(int ordinal) => inner.GetChar(ordinal);

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);

        public override string GetDataTypeName(int ordinal) => inner.GetDataTypeName(ordinal);

        public override DateTime GetDateTime(int ordinal) => inner.GetDateTime(ordinal);

        public override decimal GetDecimal(int ordinal) => inner.GetDecimal(ordinal);

        public override double GetDouble(int ordinal) => inner.GetDouble(ordinal);

        public override Type GetFieldType(int ordinal) => inner.GetFieldType(ordinal);

        public override float GetFloat(int ordinal) => inner.GetFloat(ordinal);

        public override Guid GetGuid(int ordinal) => inner.GetGuid(ordinal);

        public override short GetInt16(int ordinal) => inner.GetInt16(ordinal);

        public override int GetInt32(int ordinal) => inner.GetInt32(ordinal);

        public override long GetInt64(int ordinal) => inner.GetInt64(ordinal);

        public override string GetName(int ordinal) => inner.GetName(ordinal);

        public override int GetOrdinal(string name) => inner.GetOrdinal(name);

        public override string GetString(int ordinal) => inner.GetString(ordinal);

        public override object GetValue(int ordinal) => inner.GetValue(ordinal);

        public override int GetValues(object[] values) => inner.GetValues(values);

        public override bool IsDBNull(int ordinal) => inner.IsDBNull(ordinal);

        public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken) => inner.IsDBNullAsync(ordinal, cancellationToken);

        public override T GetFieldValue<T>(int ordinal) => inner.GetFieldValue<T>(ordinal);

        public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken) => inner.GetFieldValueAsync<T>(ordinal, cancellationToken);

        public override Stream GetStream(int ordinal) => inner.GetStream(ordinal);

        public override TextReader GetTextReader(int ordinal) => inner.GetTextReader(ordinal);

        public override Type GetProviderSpecificFieldType(int ordinal) => inner.GetProviderSpecificFieldType(ordinal);

        public override object GetProviderSpecificValue(int ordinal) => inner.GetProviderSpecificValue(ordinal);

        public override int GetProviderSpecificValues(object[] values) => inner.GetProviderSpecificValues(values);

        public override DataTable? GetSchemaTable() => inner.GetSchemaTable();

        public override Task<DataTable?> GetSchemaTableAsync(CancellationToken cancellationToken = default) => inner.GetSchemaTableAsync(cancellationToken);

        public override IEnumerator GetEnumerator() => ((IEnumerable)inner).GetEnumerator();

        public override void Close() => inner.Close();

        public override Task CloseAsync() => inner.CloseAsync();

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Count(bool read)
        {
            if (read)
            {
                meter.CountRows(1, fieldCount);
            }
        }
    }
}
