using System.Diagnostics.CodeAnalysis;

namespace PerfAnalyzers.EfCore
{
    /// <summary>The operation tree of a method or property body declared in source, for following calls across methods.</summary>
    internal static class SourceBodies
    {
        /// <summary>
        /// Every method (of any kind: accessors, constructors, operators, abstract ones) of the types declared in source,
        /// nested types included, from the symbol table: no syntax is read and nothing is bound.
        /// </summary>
        public static IEnumerable<IMethodSymbol> DeclaredMethods(Compilation compilation)
        {
            var stack = new Stack<INamespaceOrTypeSymbol>();
            stack.Push(compilation.SourceModule.GlobalNamespace);
            while (stack.Count > 0)
            {
                foreach (var member in stack.Pop().GetMembers())
                {
                    switch (member)
                    {
                        case INamespaceSymbol ns:
                            stack.Push(ns);
                            break;
                        case INamedTypeSymbol type when type.Locations.Any(l => l.IsInSource):
                            stack.Push(type);
                            break;
                        case IMethodSymbol method:
                            yield return method;
                            break;
                    }
                }
            }
        }

        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "Following a call into another member's body needs that body's operations; every caller caches the result per compilation and bounds the depth.")]
        public static IOperation? GetBody(Compilation compilation, ISymbol member, CancellationToken cancellationToken)
        {
            if (member is IPropertySymbol property)
            {
                if (property.GetMethod is { } getter)
                {
                    return GetBody(compilation, getter, cancellationToken)
                           ?? GetPropertyExpressionBody(compilation, property, cancellationToken);
                }

                return null;
            }

            if (member is not IMethodSymbol method || method.DeclaringSyntaxReferences.Length != 1 || method.IsAbstract)
            {
                return null;
            }

            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                return null;
            }

            var model = compilation.GetSemanticModel(syntax.SyntaxTree);
            switch (syntax)
            {
                case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax:
                    return model.GetOperation(syntax, cancellationToken);
                case ArrowExpressionClauseSyntax arrow:
                    return model.GetOperation(arrow, cancellationToken);
                default:
                    return null;
            }
        }

        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "See GetBody.")]
        private static IOperation? GetPropertyExpressionBody(Compilation compilation, IPropertySymbol property, CancellationToken cancellationToken)
        {
            if (property.DeclaringSyntaxReferences.Length != 1
                || property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not PropertyDeclarationSyntax declaration
                || declaration.ExpressionBody is null
                || !compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                return null;
            }

            return compilation.GetSemanticModel(declaration.SyntaxTree).GetOperation(declaration.ExpressionBody, cancellationToken);
        }

        /// <summary>The values a body returns (return statements and expression bodies), not those of nested lambdas.</summary>
        public static IEnumerable<IOperation> ReturnedValues(IOperation body)
        {
            var stack = new Stack<IOperation>();
            stack.Push(body);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                if (current is IReturnOperation { ReturnedValue: { } value })
                {
                    yield return value;
                    continue;
                }

                foreach (var child in current.ChildOperations)
                {
                    if (child is IAnonymousFunctionOperation || child is ILocalFunctionOperation)
                    {
                        continue;
                    }

                    stack.Push(child);
                }
            }
        }
    }
}
