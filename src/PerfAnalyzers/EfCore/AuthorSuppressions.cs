using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Has the author already told another analyzer that this code is deliberate?": a <c>#pragma warning disable</c> in
    /// force at the node, or a <c>[SuppressMessage]</c> on the member or a containing type, for one of the ids of another
    /// analyzer's rule that gives the same advice. LinkDotNet.Blog pages with a sync <c>ToArray()</c> under
    /// <c>#pragma warning disable S6966</c> and a comment on why (SqlClient reads a large text column asynchronously many
    /// times slower): the same advice from us would be the same false alarm. Read only when a finding is about to be reported.
    /// </summary>
    internal static class AuthorSuppressions
    {
        /// <summary>The rules of other analyzers that ask for the async counterpart of a sync call, or flag a blocking wait (EFP401's advice).</summary>
        public static readonly ImmutableArray<string> SyncOverAsync = ImmutableArray.Create(
            "CA1849",       // Call async methods when in an async method (.NET analyzers)
            "S6966",        // Awaitable method should be used (SonarAnalyzer)
            "MA0042",       // Do not use blocking calls in an async method (Meziantou)
            "VSTHRD103",    // Call async methods when in an async method (VS Threading)
            "VSTHRD002",    // Avoid problematic synchronous waits (VS Threading)
            "AsyncFixer02"); // Long-running or blocking operations inside an async method (AsyncFixer)

        /// <summary>Whether one of <paramref name="ids"/> is suppressed at <paramref name="node"/> by a pragma or a SuppressMessage attribute.</summary>
        public static bool IsSuppressed(SyntaxNode node, ISymbol? containing, ImmutableArray<string> ids)
            => IsDisabledByPragma(node, ids) || HasSuppressMessage(containing, ids);

        private static bool IsDisabledByPragma(SyntaxNode node, ImmutableArray<string> ids)
        {
            var root = node.SyntaxTree.GetRoot();
            if (!root.ContainsDirectives)
            {
                return false;
            }

            // The last directive before the node that names an id decides, as the compiler's own reading of pragmas does.
            var disabled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var directive = root.GetFirstDirective(); directive is not null && directive.SpanStart < node.SpanStart; directive = directive.GetNextDirective())
            {
                if (directive is not PragmaWarningDirectiveTriviaSyntax pragma || !pragma.IsActive)
                {
                    continue;
                }

                foreach (var code in pragma.ErrorCodes)
                {
                    var id = code is IdentifierNameSyntax name ? name.Identifier.ValueText : code.ToString();
                    if (!ids.Contains(id, StringComparer.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    if (pragma.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword))
                    {
                        disabled.Add(id);
                    }
                    else
                    {
                        disabled.Remove(id);
                    }
                }
            }

            return disabled.Count > 0;
        }

        /// <summary><c>[SuppressMessage("..", "S6966:..")]</c> (or the bare id) on the member, a containing member or a containing type.</summary>
        private static bool HasSuppressMessage(ISymbol? symbol, ImmutableArray<string> ids)
        {
            for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
            {
                foreach (var attribute in current.GetAttributes())
                {
                    if (attribute.AttributeClass is not { Name: "SuppressMessageAttribute" or "UnconditionalSuppressMessageAttribute" }
                        || attribute.ConstructorArguments.Length < 2
                        || attribute.ConstructorArguments[1].Value is not string checkId)
                    {
                        continue;
                    }

                    var colon = checkId.IndexOf(':');
                    var id = (colon >= 0 ? checkId.Substring(0, colon) : checkId).Trim();
                    if (ids.Contains(id, StringComparer.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
