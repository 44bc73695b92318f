using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// Where a fix adds a call to a query chain (<c>.Include(...)</c>, <c>.AsNoTracking()</c>...), the text to insert so the
    /// chain keeps its layout: when the chain goes on with <c>.Where</c> on the next line, each new call gets its own line,
    /// indented like that one; on a one-line chain, the calls stay on that line.
    /// </summary>
    internal static class ChainLayout
    {
        public static string CallsAt(SourceText text, int position, IEnumerable<string> calls)
        {
            var list = calls.ToList();
            var line = text.Lines.GetLineFromPosition(position);
            var restOfLine = text.ToString(TextSpan.FromBounds(position, line.End));
            if (restOfLine.Trim().Length > 0 || line.LineNumber + 1 >= text.Lines.Count)
            {
                return string.Concat(list);
            }

            var next = text.ToString(text.Lines[line.LineNumber + 1].Span);
            var code = next.TrimStart();
            if (!code.StartsWith(".", System.StringComparison.Ordinal) && !code.StartsWith("?.", System.StringComparison.Ordinal))
            {
                return string.Concat(list);
            }

            var newLine = text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
            var indent = next.Substring(0, next.Length - code.Length);
            return string.Concat(list.Select(call => newLine + indent + call));
        }

        public static string CallAt(SourceText text, int position, string call) => CallsAt(text, position, new[] { call });
    }
}
