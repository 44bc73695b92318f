using System.Collections.Generic;

namespace PerfAnalyzers.Samples.Model
{
    public class Author
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        public string Email { get; set; } = "";

        public virtual List<Post> Posts { get; set; } = new();
    }
}
