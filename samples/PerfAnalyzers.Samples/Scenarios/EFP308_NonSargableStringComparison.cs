using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP308: a sign-in looks a subscriber up by the email as typed ("Reader050000@Example.com") in a table of 100,000
    /// rows with an index on Email. The bad variant lowers the column, so the database computes LOWER(Email) for every row
    /// and scans the table (SQLite: SCAN Subscribers; PostgreSQL: Seq Scan). The emails are stored lowercased, so the fix
    /// lowers only the value and compares the column as stored: an index seek (SQLite: SEARCH Subscribers USING INDEX
    /// IX_Subscribers_Email; PostgreSQL: Index Scan).
    /// </summary>
    public sealed class EFP308_NonSargableStringComparison : ProofScenario
    {
        /// <summary>The email as the user typed it: the seed stores it lowercased.</summary>
        private const string TypedEmail = "Reader050000@Example.com";

        public override string RuleId => "EFP308";

        public override string Title => "Subscriber lookup by email in 100,000 rows";

        public override int Repetitions => 5;

        public override ProofMetric Improves => ProofMetric.Time;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var email = TypedEmail;
            return await context.Subscribers
                .Where(s => s.Email.ToLower() == email.ToLower())
                .Select(s => new { s.Id, s.Email, s.Name })
                .FirstOrDefaultAsync(ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();

            // The column is stored lowercased: lower only the value, and the index on Email is used.
            var email = TypedEmail.ToLowerInvariant();
            return await context.Subscribers
                .Where(s => s.Email == email)
                .Select(s => new { s.Id, s.Email, s.Name })
                .FirstOrDefaultAsync(ct);
        }
    }
}
