namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// The names a fix must not give a new local or lambda parameter in a member (CS0128/CS0136 otherwise): what the member
    /// declares anywhere in it, nested scopes included, since a later nested declaration clashes too. Locals (declarators,
    /// foreach variables, pattern and out variables), catch variables, local functions, and the parameters the fix says
    /// count.
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
}
