using System;

namespace PerfAnalyzers.Samples.Model
{
    /// <summary>
    /// A newsletter subscriber: the sample's one large table (100,000 rows), with an index on <see cref="Email"/>. The
    /// application stores emails lowercased when a subscriber signs up (EFP308's proof looks them up).
    /// </summary>
    public class Subscriber
    {
        public int Id { get; set; }

        public string Email { get; set; } = "";

        public string Name { get; set; } = "";

        public DateTime SubscribedAt { get; set; }
    }
}
