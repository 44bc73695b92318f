using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.EfCore;

namespace PerfAnalyzers.CodeFixes.Rules.Loading
{
    /// <summary>
    /// EFP101: batches a per-element query. Either hoists one query for all keys before the loop (Contains over the keys,
    /// then ToLookup / GroupBy-count dictionary / key set) and reads from it in the loop, or, when the loop iterates an EF
    /// query of the principal and the inner query is exactly its navigation, adds Include to the loop's query and reads the
    /// navigation.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(QueryInLoopFixer))]
    public sealed class QueryInLoopFixer() : EfDocumentFixProvider(BatchEquivalenceKey, RuleIds.QueryInLoop)
    {
        public const string BatchEquivalenceKey = "EFP101_BatchQueryBeforeLoop";
        public const string IncludeEquivalenceKey = "EFP101_IncludeNavigation";

        protected override string? TitleFor(FixSite site)
            => !TryGetShape(site.Diagnostic, out var shape) ? null
               : shape == BatchShape.Include ? $"Include '{site.Diagnostic.Properties[QueryInLoopAnalyzer.NavigationProperty]}' in the loop's query"
               : "Load all rows with one query before the loop";

        /// <summary>Two kinds of fix: Include the navigation in the loop's query, or load all rows with one query before the loop.</summary>
        protected override string EquivalenceKeyFor(Diagnostic diagnostic)
            => TryGetShape(diagnostic, out var shape) && shape == BatchShape.Include ? IncludeEquivalenceKey : BatchEquivalenceKey;

        protected override string FixAllTitleFor(string? equivalenceKey) => IncludeOnly(equivalenceKey) switch
        {
            true => "Include the navigations in the loops' queries",
            false => "Load all rows with one query before each loop",
            null => "Include the navigations or load all rows with one query before each loop",
        };

        /// <summary>Applies every EFP101 fix of a document in one edit (fixes in one loop share the key list).</summary>
        protected override Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
            => ApplyAsync(document, diagnostics, IncludeOnly(equivalenceKey), cancellationToken);

        // The kind of fix chosen; none (dotnet format when the first diagnostic has no fix) applies each diagnostic's own.
        private static bool? IncludeOnly(string? equivalenceKey) => equivalenceKey switch
        {
            IncludeEquivalenceKey => true,
            BatchEquivalenceKey => false,
            _ => null,
        };

        private static bool TryGetShape(Diagnostic diagnostic, out BatchShape shape)
        {
            shape = BatchShape.None;
            return diagnostic.Properties.TryGetValue(QueryInLoopAnalyzer.FixProperty, out var value)
                   && Enum.TryParse(value, out shape) && shape != BatchShape.None;
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool? include, CancellationToken cancellationToken)
        {
            if (await RootAndModelAsync(document, cancellationToken).ConfigureAwait(false) is not (SyntaxNode root, SemanticModel model))
            {
                return document;
            }

            var ef = EfCompilation.TryCreate(model.Compilation);
            if (ef is null)
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
            var state = new FixState();
            var needsEfUsing = false;
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!TryGetShape(diagnostic, out var shape) || (include is { } only && (shape == BatchShape.Include) != only))
                {
                    continue;
                }

                var plan = FindPlan(root, model, ef, diagnostic, shape, cancellationToken);
                if (plan is null)
                {
                    continue;
                }

                if (shape == BatchShape.Include)
                {
                    needsEfUsing |= ApplyInclude(editor, model, ef, plan, state);
                }
                else
                {
                    ApplyBatch(editor, model, plan, state);
                }
            }

            var newRoot = editor.GetChangedRoot();
            if (needsEfUsing && newRoot is CompilationUnitSyntax unit && !unit.Usings.Any(u => u.Name?.ToString() == "Microsoft.EntityFrameworkCore"))
            {
                newRoot = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("Microsoft.EntityFrameworkCore"))
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(DetectEndOfLine(root))));
            }

            return document.WithSyntaxRoot(newRoot);
        }

        private static BatchPlan? FindPlan(SyntaxNode root, SemanticModel model, EfCompilation ef, Diagnostic diagnostic, BatchShape shape, CancellationToken cancellationToken)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation is null || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || !ef.TryGetRoundTrip(operation, out var roundTrip, cancellationToken))
            {
                return null;
            }

            var placement = ef.Loops.FindEnclosingLoop(operation);
            var plan = placement is null ? null : LoopKeyFilters.Plan(ef, roundTrip, placement);
            return plan is not null && plan.Shape == shape ? plan : null;
        }

        // ---- Include on the loop's query ----

        private static bool ApplyInclude(SyntaxEditor editor, SemanticModel model, EfCompilation ef, BatchPlan plan, FixState state)
        {
            var filter = plan.Filter;
            if (!LoopKeyFilters.IsQueryOfLoop(ef, filter.Loop, out var sourceChain) || sourceChain.Root?.Syntax is not ExpressionSyntax rootSyntax
                || plan.Navigation is null)
            {
                return false;
            }

            var terminal = (InvocationExpressionSyntax)filter.RoundTrip.Operation.Syntax;
            var navigation = plan.Navigation.Name;
            var parameter = state.UniqueParameterName(model, rootSyntax.SpanStart, Camel(sourceChain.EntityType?.Name ?? "e").Substring(0, 1));
            editor.ReplaceNode(rootSyntax, (current, _) =>
                SyntaxFactory.ParseExpression($"{current.WithoutTrivia()}.Include({parameter} => {parameter}.{navigation})").WithTriviaFrom(current));

            var method = EfSymbols.SyncName(((IInvocationOperation)filter.RoundTrip.Operation).TargetMethod.Name);
            var replacement = SyntaxFactory.ParseExpression($"{filter.LoopVariable.Name}.{navigation}.{method}()").WithTriviaFrom(terminal);
            editor.ReplaceNode(terminal, replacement);

            var includeVisible = model.LookupSymbols(rootSyntax.SpanStart, container: sourceChain.Root.Type, name: "Include", includeReducedExtensionMethods: true).Any();
            return !includeVisible;
        }

        // ---- one query before the loop ----

        private static void ApplyBatch(SyntaxEditor editor, SemanticModel model, BatchPlan plan, FixState state)
        {
            var filter = plan.Filter;
            var loop = filter.Loop;
            var terminalOperation = (IInvocationOperation)filter.RoundTrip.Operation;
            var terminal = (InvocationExpressionSyntax)terminalOperation.Syntax;
            if (terminal.Expression is not MemberAccessExpressionSyntax terminalAccess
                || filter.Equality.Syntax is not ExpressionSyntax equalitySyntax
                || filter.EntityKey.Syntax is not ExpressionSyntax entityKeySyntax
                || filter.Predicate.Syntax is not LambdaExpressionSyntax predicateSyntax)
            {
                return;
            }

            var loopStatement = (loop.Loop is ILoopOperation ? loop.Loop : loop.Loop.GetContainingStatement())?.Syntax as StatementSyntax;
            var sourceSyntax = SourceSyntax(loop);
            if (loopStatement is null || sourceSyntax is null)
            {
                return;
            }

            var eol = DetectEndOfLine(loopStatement);
            var indentation = loopStatement.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToString();
            var statements = new List<string>();

            // The keys.
            string keys;
            if (filter.LoopMember is { } loopMember)
            {
                var keyId = loopStatement.SpanStart + ":" + loopMember.Name;
                var keysInitializer = $"{sourceSyntax.WithoutTrivia()}.Select({filter.LoopVariable.Name} => {filter.LoopVariable.Name}.{loopMember.Name}).ToList()";
                if (!state.Keys.TryGetValue(keyId, out keys!))
                {
                    // An earlier fix of this loop already declared the keys right before it: reuse them.
                    keys = ExistingKeys(loopStatement, keysInitializer) ?? "";
                    if (keys.Length == 0)
                    {
                        keys = state.Locals.For(model, loopStatement, Camel(filter.LoopVariable.Name) + loopMember.Name + "s");
                        statements.Add($"var {keys} = {keysInitializer};");
                    }

                    state.Keys[keyId] = keys;
                }
            }
            else
            {
                keys = sourceSyntax.WithoutTrivia().ToString();
            }

            // The query for all keys: the key equality becomes keys.Contains(entity key); the rest of the query stays.
            var contains = SyntaxFactory.ParseExpression($"{keys}.Contains({entityKeySyntax.WithoutTrivia()})");
            var receiver = terminalAccess.Expression;
            ExpressionSyntax query;
            if (filter.PredicateOwner == terminalOperation)
            {
                var newPredicate = predicateSyntax.ReplaceNode(equalitySyntax, contains.WithTriviaFrom(equalitySyntax));
                query = SyntaxFactory.ParseExpression($"{receiver.WithoutTrivia()}.Where({newPredicate.WithoutTrivia()})");
            }
            else
            {
                query = receiver.ReplaceNode(equalitySyntax, contains.WithTriviaFrom(equalitySyntax));
            }

            // One line to start from: the query may have been laid out over several lines inside the loop.
            var queryText = OneLine(query.WithoutTrivia().ToString());
            var entityParameter = filter.Predicate.Symbol.Parameters[0].Name;
            var entityKey = $"{entityParameter} => {entityParameter}.{filter.EntityMember.Name}";
            var isAsync = filter.RoundTrip.IsAsync;
            var asyncArguments = isAsync ? string.Join(", ", terminal.ArgumentList.Arguments.Where(a => IsCancellationToken(model, a)).Select(a => a.ToString())) : "";
            var configureAwait = isAsync && terminal.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configureCall }
                ? $".ConfigureAwait({configureCall.ArgumentList.Arguments})"
                : "";
            string Materialize(string q, string method) => isAsync ? $"(await {q}.{method}Async({asyncArguments}){configureAwait})" : $"{q}.{method}()";

            var entityName = filter.RoundTrip.Query.EntityType?.Name ?? "Row";
            var syncName = EfSymbols.SyncName(terminalOperation.TargetMethod.Name);
            var loopKey = filter.LoopKey.Syntax.WithoutTrivia().ToString();
            string resultName;
            string replacementText;
            switch (plan.Shape)
            {
                case BatchShape.Lookup:
                case BatchShape.LookupElement:
                    resultName = state.Locals.For(model, loopStatement, Camel(entityName) + "sBy" + filter.EntityMember.Name);
                    statements.Add($"var {resultName} = {Materialize(queryText, "ToList")}.ToLookup({entityKey});");
                    replacementText = $"{resultName}[{loopKey}].{syncName}()";
                    break;
                case BatchShape.Count:
                    var g = state.UniqueParameterName(model, loopStatement.SpanStart, "g");
                    var x = state.UniqueParameterName(model, loopStatement.SpanStart, "c"); // a count per key
                    resultName = state.Locals.For(model, loopStatement, Camel(entityName) + "CountBy" + filter.EntityMember.Name);
                    var grouped = $"{queryText}.GroupBy({entityKey}).Select({g} => new {{ {g}.Key, Count = {g}.{syncName}() }})";
                    statements.Add($"var {resultName} = {Materialize(grouped, "ToList")}.ToDictionary({x} => {x}.Key, {x} => {x}.Count);");
                    replacementText = $"{resultName}.GetValueOrDefault({loopKey})";
                    break;
                case BatchShape.Any:
                    resultName = state.Locals.For(model, loopStatement, keys.Replace(".", "") + "With" + entityName + "s");
                    var distinctKeys = $"{queryText}.Select({entityKey}).Distinct()";
                    statements.Add($"var {resultName} = {Materialize(distinctKeys, "ToList")}.ToHashSet();");
                    replacementText = $"{resultName}.Contains({loopKey})";
                    break;
                default:
                    return;
            }

            foreach (var statement in statements)
            {
                var parsed = WrapChain(SyntaxFactory.ParseStatement(statement), indentation, eol)
                    .WithLeadingTrivia(SyntaxFactory.Whitespace(indentation))
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(eol));
                editor.InsertBefore(loopStatement, parsed);
            }

            // The batch load reads as its own paragraph: a blank line between it and the loop, as a person would leave
            // one (once per loop; not when the loop already follows a blank line).
            if (statements.Count > 0 && state.LoopsSpaced.Add(loopStatement) && !StartsWithBlankLine(loopStatement))
            {
                editor.ReplaceNode(loopStatement, (current, _) => current.WithLeadingTrivia(
                    current.GetLeadingTrivia().Insert(0, SyntaxFactory.EndOfLine(eol))));
            }

            // The replaced expression: the awaited call (with ConfigureAwait) or the call.
            SyntaxNode replaced = terminal;
            if (isAsync)
            {
                replaced = terminal.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax configured } ? configured : terminal;
                replaced = replaced.Parent is AwaitExpressionSyntax awaitExpression ? awaitExpression : replaced;
            }

            editor.ReplaceNode(replaced, SyntaxFactory.ParseExpression(replacementText).WithTriviaFrom(replaced));
        }

        private static string? ExistingKeys(StatementSyntax loopStatement, string initializer)
        {
            if (loopStatement.Parent is not BlockSyntax block)
            {
                return null;
            }

            for (var i = block.Statements.IndexOf(loopStatement) - 1; i >= 0 && block.Statements[i] is LocalDeclarationStatementSyntax declaration; i--)
            {
                foreach (var variable in declaration.Declaration.Variables)
                {
                    if (variable.Initializer?.Value.ToString() == initializer)
                    {
                        return variable.Identifier.ValueText;
                    }
                }
            }

            return null;
        }

        private static bool IsCancellationToken(SemanticModel model, ArgumentSyntax argument)
            => model.GetTypeInfo(argument.Expression).ConvertedType?.Name == "CancellationToken";

        private static ExpressionSyntax? SourceSyntax(EnclosingLoop loop)
        {
            if (loop.Loop is IInvocationOperation perElement && perElement.TargetMethod.ContainingType?.Name == "Parallel")
            {
                return perElement.GetArgumentValue(0)?.WalkDownConversions().Syntax as ExpressionSyntax;
            }

            return loop.Source?.Syntax as ExpressionSyntax;
        }

        private static string OneLine(string code)
        {
            code = System.Text.RegularExpressions.Regex.Replace(code, @"\s*\r?\n\s*(?=\??\.)", "");
            return System.Text.RegularExpressions.Regex.Replace(code, @"\s*\r?\n\s*", " ");
        }

        private static StatementSyntax WrapChain(StatementSyntax statement, string indentation, string eol)
            => statement.DescendantNodes().OfType<EqualsValueClauseSyntax>().FirstOrDefault() is { } initializer
                ? ChainLayout.WrapChain(statement, initializer.Value, indentation, eol)
                : statement;

        private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

        private static bool StartsWithBlankLine(StatementSyntax statement)
        {
            foreach (var trivia in statement.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    return true;
                }

                if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia))
                {
                    return false;
                }
            }

            return false;
        }

        private static string DetectEndOfLine(SyntaxNode node)
        {
            var trivia = node.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            return trivia.IsKind(SyntaxKind.EndOfLineTrivia) ? trivia.ToString() : Environment.NewLine;
        }

        /// <summary>Names taken in the member being fixed, plus the ones this fix already introduced.</summary>
        private sealed class FixState
        {
            /// <summary>The new locals' names (<see cref="NewLocalNames"/>).</summary>
            public NewLocalNames Locals { get; } = new NewLocalNames();

            public Dictionary<string, string> Keys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

            /// <summary>Loops already given their blank line by an earlier fix of this Fix All.</summary>
            public HashSet<SyntaxNode> LoopsSpaced { get; } = new HashSet<SyntaxNode>();

            /// <summary>A lambda parameter name: only names in scope at <paramref name="position"/> (and this fix's) can clash.</summary>
            public string UniqueParameterName(SemanticModel model, int position, string baseName)
            {
                var name = baseName;
                for (var i = 2; model.LookupSymbols(position, name: name).Any(s => s is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol)
                                || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None; i++)
                {
                    name = baseName + i;
                }

                return name;
            }
        }
    }
}
