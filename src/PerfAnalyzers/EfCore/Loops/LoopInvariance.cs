namespace PerfAnalyzers.EfCore
{
    /// <summary>"Is this value the same on every iteration of the loop?" One answer for the loop exemptions that need it
    /// (an identity look-up with the same key, <see cref="IdentityLookups"/>; a match with one key, <see cref="KeyMatches"/>).</summary>
    internal static class LoopInvariance
    {
        /// <summary>
        /// The value is the same on every iteration of <paramref name="loop"/> and of every loop around it (a key read per row of
        /// an outer loop, looked up in an inner loop over a few key fields, is still one look-up per row): built from constants,
        /// fields and members, and from locals and parameters declared outside the outermost loop and outside any lambda around
        /// the value, that the outermost loop never assigns (nor the fields it reads); no call (its result may differ).
        /// </summary>
        public static bool IsInvariant(IOperation value, EnclosingLoop loop)
        {
            var loopSpan = loop.Loop.Syntax.Span;
            var lambdas = new List<Microsoft.CodeAnalysis.Text.TextSpan>();
            IOperation outermost = loop.Loop;
            for (var current = value.Parent; current is not null; current = current.Parent)
            {
                if (current is ILoopOperation && current.Syntax.Span.Contains(loopSpan))
                {
                    outermost = current;
                }
                else if (current is IAnonymousFunctionOperation)
                {
                    lambdas.Add(current.Syntax.Span);
                }
            }

            loopSpan = outermost.Syntax.Span;
            var valueSpan = value.Syntax.Span;
            HashSet<ISymbol>? written = null;
            foreach (var op in value.DescendantsAndSelf())
            {
                switch (op)
                {
                    case ILocalReferenceOperation or IParameterReferenceOperation:
                        var symbol = op is ILocalReferenceOperation local ? (ISymbol)local.Local : ((IParameterReferenceOperation)op).Parameter;
                        if (DeclaredIn(symbol, valueSpan))
                        {
                            continue;
                        }

                        if (symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == value.Syntax.SyntaxTree
                                                                          && (loopSpan.Contains(r.Span) || lambdas.Any(l => l.Contains(r.Span))))
                            || (written ??= WrittenIn(outermost)).Contains(symbol))
                        {
                            return false;
                        }

                        break;
                    case IFieldReferenceOperation field when (written ??= WrittenIn(outermost)).Contains(field.Field):
                        return false;
                    case IInvocationOperation or IAwaitOperation or IInvalidOperation or IAssignmentOperation or IIncrementOrDecrementOperation:
                        return false;
                }
            }

            return true;
        }

        private static bool DeclaredIn(ISymbol symbol, Microsoft.CodeAnalysis.Text.TextSpan span)
            => symbol.DeclaringSyntaxReferences.Length > 0 && symbol.DeclaringSyntaxReferences.All(r => span.Contains(r.Span));

        /// <summary>The locals, parameters and fields <paramref name="loop"/> assigns (also as <c>ref</c>/<c>out</c> arguments).</summary>
        private static HashSet<ISymbol> WrittenIn(IOperation loop)
        {
            var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var op in loop.Descendants())
            {
                switch (op.WrittenTarget())
                {
                    case ILocalReferenceOperation local:
                        written.Add(local.Local);
                        break;
                    case IParameterReferenceOperation parameter:
                        written.Add(parameter.Parameter);
                        break;
                    case IFieldReferenceOperation field:
                        written.Add(field.Field);
                        break;
                }
            }

            return written;
        }
    }
}
