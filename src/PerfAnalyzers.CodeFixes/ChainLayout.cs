namespace PerfAnalyzers.CodeFixes
{
    /// <summary>
    /// Where a fix adds a call to a query chain (<c>.Include(...)</c>, <c>.AsNoTracking()</c>...), the text to insert so the
    /// chain keeps its layout: when the chain goes on with <c>.Where</c> on the next line, each new call gets its own line,
    /// indented like that one; on a one-line chain, the calls stay on that line.
    /// </summary>
    internal static class ChainLayout
    {
        public static string CallsAt(SourceText text, int position, IEnumerable<string> calls)
        {
            var list = calls.ToList();
            var line = text.Lines.GetLineFromPosition(position);
            var restOfLine = text.ToString(TextSpan.FromBounds(position, line.End));
            if (restOfLine.Trim().Length > 0 || line.LineNumber + 1 >= text.Lines.Count)
            {
                return string.Concat(list);
            }

            var next = text.ToString(text.Lines[line.LineNumber + 1].Span);
            var code = next.TrimStart();
            if (!code.StartsWith(".", System.StringComparison.Ordinal) && !code.StartsWith("?.", System.StringComparison.Ordinal))
            {
                return string.Concat(list);
            }

            var newLine = text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
            var indent = next.Substring(0, next.Length - code.Length);
            return string.Concat(list.Select(call => newLine + indent + call));
        }

        public static string CallAt(SourceText text, int position, string call) => CallsAt(text, position, new[] { call });

        /// <summary>The widest line a fix writes before it breaks a query chain over several lines.</summary>
        public const int MaxLineLength = 120;

        /// <summary>
        /// A statement a fix writes that is longer than <see cref="MaxLineLength"/> gets each call of the query chain
        /// <paramref name="chain"/> ends on its own line, one indentation step deeper, as it would be written by hand
        /// (<c>db.Set&lt;Post&gt;()</c> and <c>db.Posts</c> stay together); calls inside lambdas stay where they are, except
        /// the <c>SetProperty</c> calls of an ExecuteUpdate, which get a line each, one step deeper again.
        /// </summary>
        public static StatementSyntax WrapChain(StatementSyntax statement, ExpressionSyntax chain, string indentation, string eol)
        {
            if (indentation.Length + statement.ToString().Length <= MaxLineLength)
            {
                return statement;
            }

            var unit = indentation.Contains("\t") ? "\t" : "    ";
            var breaks = new Dictionary<SyntaxToken, string>();
            var expression = chain;
            while (true)
            {
                switch (expression)
                {
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation:
                        if (access.Expression is not (IdentifierNameSyntax or ThisExpressionSyntax))
                        {
                            breaks[access.OperatorToken] = indentation + unit;
                        }

                        if (access.Name.Identifier.ValueText.StartsWith("ExecuteUpdate", System.StringComparison.Ordinal)
                            && invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression is LambdaExpressionSyntax { Body: ExpressionSyntax setters })
                        {
                            for (var call = setters; call is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax set }; call = set.Expression)
                            {
                                breaks[set.OperatorToken] = indentation + unit + unit;
                            }
                        }

                        expression = access.Expression;
                        continue;
                    case ParenthesizedExpressionSyntax parenthesized:
                        expression = parenthesized.Expression;
                        continue;
                    case AwaitExpressionSyntax awaited:
                        expression = awaited.Expression;
                        continue;
                }

                break;
            }

            return statement.ReplaceTokens(breaks.Keys, (original, _) => original.WithLeadingTrivia(
                SyntaxFactory.EndOfLine(eol), SyntaxFactory.Whitespace(breaks[original])));
        }
    }
}
