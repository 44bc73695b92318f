using System;
using System.Collections.Generic;

namespace PerfAnalyzers.Samples.Model
{
    /// <summary>A blog. Navigations are virtual so <see cref="LazySampleDbContext"/> can lazy-load them.</summary>
    public class Blog
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        public string Url { get; set; } = "";

        public int Rating { get; set; }

        public bool IsArchived { get; set; }

        public DateTime CreatedAt { get; set; }

        public int? AuthorId { get; set; }

        public virtual Author? Author { get; set; }

        public virtual List<Post> Posts { get; set; } = new();

        public virtual List<Tag> Tags { get; set; } = new();
    }
}
