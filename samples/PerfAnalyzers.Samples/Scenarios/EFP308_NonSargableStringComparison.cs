using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP308: an import checks which of 100 addresses, as typed ("Reader000001@Example.com"), are already subscribed,
    /// in a table of 100,000 rows with an index on Email. The bad variant lowers the column, so the database computes
    /// LOWER(Email) for every row and compares it with the list: a full scan (SQLite: SCAN; PostgreSQL: Seq Scan). The
    /// emails are stored lowercased, so the fix lowers only the values and compares the column as stored: one index seek
    /// per address (SQLite: SEARCH ... USING INDEX IX_Subscribers_Email; PostgreSQL: Index Scan).
    /// </summary>
    public sealed class EFP308_NonSargableStringComparison : ProofScenario
    {
        public override string RuleId => "EFP308";

        public override string Title => "Which of 100 addresses are subscribed (100,000 rows)";

        public override int Repetitions => 3;

        public override ProofMetric Improves => ProofMetric.Time;

        /// <summary>The addresses as typed (mixed case), lowered once on the client as the application normalizes input.</summary>
        private static List<string> ImportedEmails()
            => Enumerable.Range(0, 100)
                .Select(i => "R" + SampleSeeder.SubscriberEmail(1 + i * 999).Substring(1).Replace("example", "Example"))
                .Select(typed => typed.ToLowerInvariant())
                .ToList();

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var emails = ImportedEmails();
            return await context.Subscribers
                .Where(s => emails.Contains(s.Email.ToLower()))
                .OrderBy(s => s.Id)
                .Select(s => new { s.Id, s.Email })
                .ToListAsync(ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var emails = ImportedEmails();

            // The column is stored lowercased: compare it as stored, and the index on Email is used.
            return await context.Subscribers
                .Where(s => emails.Contains(s.Email))
                .OrderBy(s => s.Id)
                .Select(s => new { s.Id, s.Email })
                .ToListAsync(ct);
        }
    }
}
