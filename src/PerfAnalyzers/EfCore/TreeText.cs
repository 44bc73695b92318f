using System.Runtime.CompilerServices;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The cheap first look of a compilation-wide syntax scan: a tree whose text does not contain a name has no node
    /// naming it, so it is skipped without walking its nodes (issue 14: walking every node of a 125,000-line migrations
    /// project cost seconds per scan). Ordinal search of the source text, turned into one string per tree once and
    /// shared by every scan (a large file's text is kept in chunks, and each scan copying it again showed in profiles);
    /// a name written with unicode escapes (<c>\u0041dd</c>) is not seen, as nowhere else in the layer.
    /// </summary>
    internal static class TreeText
    {
        private static readonly ConditionalWeakTable<SyntaxTree, string> Texts = new ConditionalWeakTable<SyntaxTree, string>();

        public static bool Mentions(SyntaxTree tree, string word, CancellationToken cancellationToken)
            => Of(tree, cancellationToken).IndexOf(word, StringComparison.Ordinal) >= 0;

        public static bool MentionsAny(SyntaxTree tree, IEnumerable<string> words, CancellationToken cancellationToken)
        {
            var text = Of(tree, cancellationToken);
            foreach (var word in words)
            {
                if (text.IndexOf(word, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Of(SyntaxTree tree, CancellationToken cancellationToken)
        {
            if (!Texts.TryGetValue(tree, out var text))
            {
                var computed = tree.GetText(cancellationToken).ToString();
                text = Texts.GetValue(tree, _ => computed);
            }

            return text;
        }
    }
}
