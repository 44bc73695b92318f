using System.Collections.Generic;

namespace PerfAnalyzers.Samples.Model
{
    public class Tag
    {
        public int Id { get; set; }

        public string Label { get; set; } = "";

        public virtual List<Blog> Blogs { get; set; } = new();
    }
}
