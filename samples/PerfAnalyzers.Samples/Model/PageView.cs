using System;

namespace PerfAnalyzers.Samples.Model
{
    /// <summary>
    /// One view of a post: the sample's growing log table (100,000 rows), with no index on <see cref="VisitorKey"/> (the
    /// anonymous visitor's cookie value). EFP314's proof looks views up by visitor. Four narrow columns: every proof run
    /// copies and hashes the whole database.
    /// </summary>
    public class PageView
    {
        public int Id { get; set; }

        public int PostId { get; set; }

        public virtual Post Post { get; set; } = null!;

        public string VisitorKey { get; set; } = "";

        public DateTime CreatedAt { get; set; }
    }
}
