namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// The names a fix must not give a new local or lambda parameter in a member (CS0128/CS0136 otherwise): what the member
    /// declares anywhere in it, nested scopes included, since a later nested declaration clashes too. Locals (declarators,
    /// foreach variables, pattern and out variables), catch variables, local functions, query range variables (CS1931),
    /// and the parameters the fix says count.
    /// </summary>
    internal static class DeclaredNames
    {
        public static void AddTo(HashSet<string> names, SyntaxNode member, Func<ParameterSyntax, bool> countsParameter, CancellationToken cancellationToken = default)
        {
            foreach (var node in member.DescendantNodes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var identifier = node switch
                {
                    VariableDeclaratorSyntax variable => variable.Identifier,
                    ForEachStatementSyntax forEach => forEach.Identifier,
                    SingleVariableDesignationSyntax designation => designation.Identifier,
                    CatchDeclarationSyntax catchDeclaration => catchDeclaration.Identifier,
                    LocalFunctionStatementSyntax localFunction => localFunction.Identifier,
                    FromClauseSyntax from => from.Identifier,
                    LetClauseSyntax let => let.Identifier,
                    JoinClauseSyntax join => join.Identifier,
                    JoinIntoClauseSyntax into => into.Identifier,
                    QueryContinuationSyntax continuation => continuation.Identifier,
                    ParameterSyntax parameter when countsParameter(parameter) => parameter.Identifier,
                    _ => default,
                };
                if (identifier.ValueText.Length > 0)
                {
                    names.Add(identifier.ValueText);
                }
            }
        }
    }

    /// <summary>
    /// "Which name can a new local take?" — the one answer every fixer that declares a local asks (EFP101's batch lookups,
    /// EFP202's list): the base name, else the base name numbered from 2, avoiding what the member declares anywhere
    /// (<see cref="DeclaredNames"/>, parameters included), every name in scope at the insertion point (fields, properties,
    /// methods, types: a local would hide them), keywords, and the names this fix (or this Fix All) gave already.
    /// One instance per fix or Fix All.
    /// </summary>
    internal sealed class NewLocalNames
    {
        private readonly Dictionary<SyntaxNode, HashSet<string>> _taken = new Dictionary<SyntaxNode, HashSet<string>>();

        public string For(SemanticModel model, SyntaxNode location, string baseName, CancellationToken cancellationToken = default)
        {
            var member = location.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? location;
            if (!_taken.TryGetValue(member, out var taken))
            {
                taken = new HashSet<string>(StringComparer.Ordinal);
                DeclaredNames.AddTo(taken, member, _ => true, cancellationToken);
                _taken[member] = taken;
            }

            var inScope = new HashSet<string>(model.LookupSymbols(location.SpanStart).Select(s => s.Name), StringComparer.Ordinal);
            var name = baseName;
            for (var i = 2; taken.Contains(name) || inScope.Contains(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None; i++)
            {
                name = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(name);
            return name;
        }
    }
}
