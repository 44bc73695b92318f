namespace PerfAnalyzers.Samples.Model
{
    /// <summary>
    /// A newsletter subscriber: the sample's one large table (100,000 rows), with an index on <see cref="Email"/>. The
    /// application stores emails lowercased when a subscriber signs up (EFP308's proof looks them up). Two columns only:
    /// every proof run copies and hashes the whole database, so the large table is kept narrow.
    /// </summary>
    public class Subscriber
    {
        public int Id { get; set; }

        public string Email { get; set; } = "";
    }
}
