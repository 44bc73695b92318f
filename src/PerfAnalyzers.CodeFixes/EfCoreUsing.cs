using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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
            directive = unit.Usings.Count == 0 ? directive.WithTrailingTrivia(eol, eol) : directive.WithTrailingTrivia(eol);
            return document.WithSyntaxRoot(unit.AddUsings(directive));
        }
    }
}
