namespace PerfAnalyzers.CodeFixes
{
    /// <summary>Adds <c>using Microsoft.EntityFrameworkCore;</c> to a document that lacks it (EF extension methods such as Include, AsNoTracking).</summary>
    internal static class EfCoreUsing
    {
        private const string Namespace = "Microsoft.EntityFrameworkCore";

        public static async Task<Document> AddIfMissingAsync(Document document, CancellationToken cancellationToken)
        {
            if (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not CompilationUnitSyntax unit
                || unit.Usings.Any(u => u.Name?.ToString() == Namespace))
            {
                return document;
            }

            // The document's own line ending; after the last using, or followed by a blank line when it is the first one.
            var newLine = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var eol = newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : SyntaxFactory.ElasticCarriageReturnLineFeed;
            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(Namespace));
            if (unit.Usings.Count == 0)
            {
                return document.WithSyntaxRoot(unit.AddUsings(directive.WithTrailingTrivia(eol, eol)));
            }

            // In sorted place, as an IDE's "add using" does: System namespaces first, then alphabetical; aliases and
            // static usings after the namespaces.
            var index = unit.Usings.Count;
            for (var i = 0; i < unit.Usings.Count; i++)
            {
                var other = unit.Usings[i];
                if (other.GlobalKeyword != default)
                {
                    continue;
                }

                if (other.Alias is not null || other.StaticKeyword != default || Compare(Namespace, other.Name?.ToString() ?? "") < 0)
                {
                    index = i;
                    break;
                }
            }

            directive = directive.WithTrailingTrivia(eol);
            var usings = unit.Usings;
            if (index < usings.Count)
            {
                // The new line takes over what stood before the one it goes ahead of (a file header, a blank line).
                directive = directive.WithLeadingTrivia(usings[index].GetLeadingTrivia());
                usings = usings.Replace(usings[index], usings[index].WithLeadingTrivia());
            }

            return document.WithSyntaxRoot(unit.WithUsings(usings.Insert(index, directive)));
        }

        private static int Compare(string a, string b)
        {
            static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", System.StringComparison.Ordinal);
            var system = IsSystem(b).CompareTo(IsSystem(a));
            return system != 0 ? system : string.Compare(a, b, System.StringComparison.OrdinalIgnoreCase);
        }
    }
}
