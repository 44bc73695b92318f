using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

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
        /// <summary>
        /// The name an invocation expression calls, from syntax: <c>Name(..)</c>, <c>x.Name(..)</c>, <c>x?.Name(..)</c>, with or
        /// without type arguments; null for a delegate invoked from an expression (<c>getters[i](..)</c>).
        /// </summary>
        public static string? InvokedName(this InvocationExpressionSyntax invocation)
            => invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            };

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

        /// <summary>
        /// The invocations <c>x.Name(..)</c> / <c>x.Name&lt;T&gt;(..)</c> whose member name is one of <paramref name="names"/>, in
        /// the order <c>DescendantNodes()</c> visits them, found from the text: each whole-word occurrence of a name is looked
        /// up as a token (<c>FindToken</c>), so a tree's nodes are never all walked (a migrations project's <c>AddColumn</c>
        /// calls are rejected on their text). Occurrences in comments, strings and disabled code are not the token found there.
        /// </summary>
        public static List<InvocationExpressionSyntax> MemberInvocations(SyntaxTree tree, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
        {
            var found = new List<InvocationExpressionSyntax>();
            foreach (var name in names)
            {
                foreach (var simple in SimpleNames(tree, name, cancellationToken))
                {
                    if (simple.Parent is MemberAccessExpressionSyntax access && access.Name == simple
                        && access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access)
                    {
                        found.Add(invocation);
                    }
                }
            }

            // Preorder: an enclosing invocation before the ones inside it, else text order.
            found.Sort((a, b) => a.SpanStart != b.SpanStart ? a.SpanStart.CompareTo(b.SpanStart) : b.Span.Length.CompareTo(a.Span.Length));
            return found;
        }

        /// <summary>
        /// Whether the text of <paramref name="span"/> in <paramref name="tree"/> contains one of <paramref name="words"/>
        /// (ordinal): the prefilter of a scan of one member's nodes, without copying the member's text.
        /// </summary>
        public static bool MentionsAnyIn(SyntaxTree tree, TextSpan span, IEnumerable<string> words, CancellationToken cancellationToken)
        {
            var text = Of(tree, cancellationToken);
            if (span.End > text.Length)
            {
                return true; // not this tree's span: the caller walks the nodes as before
            }

            foreach (var word in words)
            {
                if (word.Length <= span.Length && text.IndexOf(word, span.Start, span.Length, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The simple names (<c>Name</c>, <c>Name&lt;T&gt;</c>) whose identifier is <paramref name="name"/>, in text order, found
        /// from the text: each whole-word occurrence is looked up as a token (<c>FindToken</c>), which gives the nodes
        /// <c>DescendantNodes().OfType&lt;SimpleNameSyntax&gt;()</c> would give for that identifier (not the declarations,
        /// comments, strings or disabled code naming it) without walking the tree.
        /// </summary>
        public static IEnumerable<SimpleNameSyntax> SimpleNames(SyntaxTree tree, string name, CancellationToken cancellationToken)
        {
            var text = Of(tree, cancellationToken);
            SyntaxNode? root = null;
            for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + name.Length, StringComparison.Ordinal))
            {
                var end = at + name.Length;
                if ((at > 0 && SyntaxFacts.IsIdentifierPartCharacter(text[at - 1])) || (end < text.Length && SyntaxFacts.IsIdentifierPartCharacter(text[end])))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                root ??= tree.GetRoot(cancellationToken);
                var token = root.FindToken(at);
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.Span.Contains(at) && token.ValueText == name && token.Parent is SimpleNameSyntax simple)
                {
                    yield return simple;
                }
            }
        }

        /// <summary>
        /// The tokens at the whole-word occurrences of the words of <paramref name="words"/> in the tree's text (identifiers
        /// whose value is the word, keywords whose text is), in no particular order: each occurrence looked up with
        /// <c>FindToken</c>, so the tree's nodes are not all walked; occurrences in comments, strings and disabled code are
        /// not tokens. The text is searched once per distinct three-letter start of the words, not once per word.
        /// </summary>
        public static List<SyntaxToken> Tokens(SyntaxTree tree, WordSet words, CancellationToken cancellationToken)
        {
            var text = Of(tree, cancellationToken);
            var found = new List<SyntaxToken>();
            SyntaxNode? root = null;
            foreach (var prefix in words.Prefixes)
            {
                var next = 0;
                for (var at = text.IndexOf(prefix, StringComparison.Ordinal); at >= 0 && next < text.Length; at = text.IndexOf(prefix, next, StringComparison.Ordinal))
                {
                    next = at + 1;
                    if (at > 0 && SyntaxFacts.IsIdentifierPartCharacter(text[at - 1]))
                    {
                        continue;
                    }

                    var end = at + prefix.Length;
                    while (end < text.Length && SyntaxFacts.IsIdentifierPartCharacter(text[end]))
                    {
                        end++;
                    }

                    next = end; // the next whole word starts after this identifier

                    if (!words.HasLength(end - at))
                    {
                        continue;
                    }

                    var word = text.Substring(at, end - at);
                    if (!words.Contains(word))
                    {
                        continue;
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    root ??= tree.GetRoot(cancellationToken);
                    var token = root.FindToken(at);
                    if (token.Span.Contains(at) && (token.IsKind(SyntaxKind.IdentifierToken) ? token.ValueText == word : token.Text == word))
                    {
                        found.Add(token);
                    }
                }
            }

            return found;
        }

        /// <summary>The words a <see cref="Tokens"/> search looks for, with what it needs to search them together.</summary>
        internal sealed class WordSet
        {
            private readonly HashSet<string> _words;
            private readonly bool[] _lengths;

            public WordSet(IEnumerable<string> words)
            {
                _words = new HashSet<string>(words, StringComparer.Ordinal);
                _lengths = new bool[_words.Max(w => w.Length) + 1];
                foreach (var word in _words)
                {
                    _lengths[word.Length] = true;
                }

                // A word's first three characters (or the whole of a shorter word); a prefix that starts another prefix is enough.
                var prefixes = _words.Select(w => w.Length > 3 ? w.Substring(0, 3) : w).Distinct(StringComparer.Ordinal).ToList();
                Prefixes = prefixes.Where(p => !prefixes.Any(q => q != p && p.StartsWith(q, StringComparison.Ordinal))).ToImmutableArray();
            }

            public ImmutableArray<string> Prefixes { get; }

            public bool HasLength(int length) => length < _lengths.Length && _lengths[length];

            public bool Contains(string word) => _words.Contains(word);
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
