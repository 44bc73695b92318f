using System;
using System.Collections.Generic;

namespace PerfAnalyzers.Samples.Model
{
    public class Post
    {
        public int Id { get; set; }

        public string Title { get; set; } = "";

        public string Content { get; set; } = "";

        public int Views { get; set; }

        public bool IsPublished { get; set; }

        public DateTime PublishedAt { get; set; }

        public int BlogId { get; set; }

        public virtual Blog Blog { get; set; } = null!;

        public int? AuthorId { get; set; }

        public virtual Author? Author { get; set; }

        public virtual List<Comment> Comments { get; set; } = new();
    }
}
