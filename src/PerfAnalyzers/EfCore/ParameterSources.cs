using System.Diagnostics.CodeAnalysis;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "What do the callers in this compilation pass for this parameter?" For a parameter of an ordinary source method
    /// (not a lambda, a local function, a virtual/abstract/override or an interface implementation, whose callers can hide
    /// behind a delegate, a base or an interface), the argument of every call written in the compilation; empty (unknown)
    /// when the method is also used as a method group, when its name occurs more than <see cref="MaxOccurrences"/> times,
    /// or when it has no caller at all. Built from one syntax index per compilation (the names of the source methods that
    /// take a query, and where each name occurs), on first use; only the occurrences of the asked method's name are bound.
    /// </summary>
    internal sealed class ParameterSources
    {
        internal const int MaxOccurrences = 32;

        private readonly Compilation _compilation;
        private readonly Dictionary<string, List<SimpleNameSyntax>> _occurrences;

        // A parameter's arguments are a fact of the compilation: found once, whoever asks (the chain walk asks again for
        // every helper it re-enters while another parameter is being followed; binding every call each time was most of a
        // Smartstore run).
        private readonly System.Collections.Concurrent.ConcurrentDictionary<IParameterSymbol, ImmutableArray<IOperation>> _arguments =
            new System.Collections.Concurrent.ConcurrentDictionary<IParameterSymbol, ImmutableArray<IOperation>>(SymbolEqualityComparer.Default);

        private ParameterSources(Compilation compilation, Dictionary<string, List<SimpleNameSyntax>> occurrences)
        {
            _compilation = compilation;
            _occurrences = occurrences;
        }

        /// <summary>
        /// One pass over the declarations (the names of methods with a parameter whose written type mentions IQueryable),
        /// one pass over the names used in the trees: syntax only, nothing is bound. Both passes skip the trees whose text
        /// does not name what they look for (<see cref="TreeText"/>), and the first one never enters a member's body.
        /// </summary>
        public static ParameterSources Build(Compilation compilation, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (!TreeText.Mentions(tree, "IQueryable", cancellationToken))
                {
                    continue;
                }

                foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes(IsDeclarationContainer))
                {
                    if (node is MethodDeclarationSyntax method
                        && method.ParameterList.Parameters.Any(p => p.Type is { } type && type.ToString().Contains("IQueryable")))
                    {
                        names.Add(method.Identifier.ValueText);
                    }
                }
            }

            var occurrences = new Dictionary<string, List<SimpleNameSyntax>>();
            if (names.Count > 0)
            {
                foreach (var tree in compilation.SyntaxTrees)
                {
                    if (!TreeText.MentionsAny(tree, names, cancellationToken))
                    {
                        continue;
                    }

                    foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
                    {
                        if (node is SimpleNameSyntax simple && names.Contains(simple.Identifier.ValueText)
                            && !(simple.Parent is MethodDeclarationSyntax))
                        {
                            if (!occurrences.TryGetValue(simple.Identifier.ValueText, out var list))
                            {
                                occurrences[simple.Identifier.ValueText] = list = new List<SimpleNameSyntax>();
                            }

                            if (list.Count <= MaxOccurrences)
                            {
                                list.Add(simple);
                            }
                        }
                    }
                }
            }

            return new ParameterSources(compilation, occurrences);
        }

        /// <summary>
        /// The argument passed for <paramref name="parameter"/> at every call in the compilation, or empty when the callers
        /// cannot all be seen (see the class summary).
        /// </summary>
        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "Binds only the occurrences of one method's name (at most MaxOccurrences); every caller caches the answer per compilation.")]
        public ImmutableArray<IOperation> ArgumentsFor(IParameterSymbol parameter, CancellationToken cancellationToken)
        {
            parameter = (IParameterSymbol)parameter.OriginalDefinition;
            if (_arguments.TryGetValue(parameter, out var known))
            {
                return known;
            }

            var found = FindArguments(parameter, cancellationToken);
            _arguments.TryAdd(parameter, found);
            return found;
        }

        private ImmutableArray<IOperation> FindArguments(IParameterSymbol parameter, CancellationToken cancellationToken)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                || method.IsVirtual || method.IsAbstract || method.IsOverride || method.ExplicitInterfaceImplementations.Length > 0
                || method.DeclaringSyntaxReferences.Length == 0 || ImplementsInterface(method)
                || !_occurrences.TryGetValue(method.Name, out var names) || names.Count > MaxOccurrences)
            {
                return ImmutableArray<IOperation>.Empty;
            }

            var definition = method.OriginalDefinition;
            var result = ImmutableArray.CreateBuilder<IOperation>();
            var models = new Dictionary<SyntaxTree, SemanticModel>();
            foreach (var name in names)
            {
                if (!models.TryGetValue(name.SyntaxTree, out var model))
                {
                    models[name.SyntaxTree] = model = _compilation.GetSemanticModel(name.SyntaxTree);
                }

                var info = model.GetSymbolInfo(name, cancellationToken);
                var symbols = info.Symbol is null ? info.CandidateSymbols : ImmutableArray.Create(info.Symbol);
                if (!symbols.OfType<IMethodSymbol>().Any(s => SymbolEqualityComparer.Default.Equals((s.ReducedFrom ?? s).OriginalDefinition, definition)))
                {
                    continue;
                }

                // A use of the method: it must be a call that binds, whose argument for the parameter is written here.
                var invocationSyntax = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access.Parent : name.Parent;
                if (invocationSyntax is not InvocationExpressionSyntax invocation
                    || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation call
                    || call.IsUnbound() || call.HasUnboundArgument())
                {
                    return ImmutableArray<IOperation>.Empty;
                }

                var argument = call.Arguments.FirstOrDefault(a => a.Parameter is { } p
                    && SymbolEqualityComparer.Default.Equals(p.OriginalDefinition, parameter.OriginalDefinition));
                if (argument is null || argument.IsImplicit && argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    return ImmutableArray<IOperation>.Empty;
                }

                result.Add(argument.Value);
            }

            return result.ToImmutable();
        }

        // Method declarations sit in compilation units, namespaces and types: their bodies are never entered.
        private static bool IsDeclarationContainer(SyntaxNode node)
            => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax;

        private static bool ImplementsInterface(IMethodSymbol method)
        {
            if (method.ContainingType is not { } type)
            {
                return true;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
