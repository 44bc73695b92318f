namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this loop run only while an error is handled?" — its method is private (or a local function) and every use of
    /// the method's name in its type (in its containing member, for a local function) is a call inside a <c>catch</c>
    /// clause of a member there. Such a loop is a fallback, not per-element work of the normal path (elsa-core's
    /// <c>AddOrGetExistingIndividuallyAsync</c>: after a batch insert lost a race on a unique key, the records are inserted
    /// one by one to find which ones exist). Decided from syntax (the occurrences of the name in the type's declarations, found from their text), once per loop
    /// (<see cref="LoopFacts"/>); a use of the name that is not such a call (a method group, <c>nameof</c>, a call outside a
    /// catch, a call inside a lambda that a catch encloses) keeps the loop on the normal path.
    /// </summary>
    internal static class ErrorPaths
    {
        public static bool RunsOnlyWhileHandlingErrors(EnclosingLoop loop, CancellationToken cancellationToken)
        {
            if (loop.Loop.SemanticModel is not { } model
                || model.GetEnclosingSymbol(loop.Loop.Syntax.SpanStart, cancellationToken) is not IMethodSymbol method)
            {
                return false;
            }

            IEnumerable<SyntaxReference> scopes;
            switch (method.MethodKind)
            {
                case MethodKind.LocalFunction:
                    scopes = method.ContainingSymbol.DeclaringSyntaxReferences;
                    break;
                case MethodKind.Ordinary when method.DeclaredAccessibility == Accessibility.Private && method.ContainingType is { } type
                                              && !method.IsVirtual && !method.IsOverride && !method.IsAbstract
                                              && method.ExplicitInterfaceImplementations.IsEmpty:
                    scopes = type.DeclaringSyntaxReferences;
                    break;
                default:
                    return false; // a lambda runs where it is passed; a visible method is called from code we may not see
            }

            // The uses of the name, found from the tree's text (TreeText) rather than by walking every node of the type.
            var calls = 0;
            foreach (var scope in scopes)
            {
                foreach (var name in TreeText.SimpleNames(scope.SyntaxTree, method.Name, cancellationToken))
                {
                    if (!scope.Span.Contains(name.Span))
                    {
                        continue;
                    }

                    SyntaxNode callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                    if (callee.Parent is not InvocationExpressionSyntax call || call.Expression != callee || !InCatchClause(call))
                    {
                        return false;
                    }

                    calls++;
                }
            }

            return calls > 0;
        }

        /// <summary>Whether <paramref name="node"/> is in a catch clause of the member (or local function) it is written in, not in a lambda there.</summary>
        private static bool InCatchClause(SyntaxNode node)
        {
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case CatchClauseSyntax:
                        return true;
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }
    }
}
