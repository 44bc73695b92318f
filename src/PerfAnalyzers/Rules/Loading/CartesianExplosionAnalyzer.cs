using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.EfCore;

namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP105: two or more sibling collection navigations (neither path a prefix of the other) included in one query
    /// that runs as a single SQL query: no AsSplitQuery()/AsSingleQuery() on it and no SplitQuery default on its context.
    /// Reported once per query, on the last Include/ThenInclude of the expression that completes the sibling pair.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CartesianExplosionAnalyzer : EfAnalyzer
    {
        private static readonly HashSet<string> ProjectionOperators = new HashSet<string> { "Select", "SelectMany", "GroupBy" };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.EFP105_CartesianExplosion);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            // Split queries are a relational feature (AsSplitQuery lives in EF Core Relational).
            if (start.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.RelationalQueryableExtensions") is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, ef), OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context, EfCompilation ef)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!QueryFlow.IsIncludeOperator(invocation.TargetMethod) || invocation.IsInsideExpressionTree())
            {
                return;
            }

            var later = QueryFlow.ChainedAfter(invocation, out var top);
            if (later.Any(c => QueryFlow.IsIncludeOperator(c.TargetMethod) || c.TargetMethod.Name is "AsSplitQuery" or "AsSingleQuery" || ProjectionOperators.Contains(c.TargetMethod.Name)))
            {
                return;
            }

            var chain = ef.Queries.Build(invocation, context.CancellationToken);
            if (!chain.IsEfQuery || chain.EntityType is null || chain.Has("AsSplitQuery") || chain.Has("AsSingleQuery")
                || !NavigationAccess.TryGetIncludePaths(chain, out var paths))
            {
                return;
            }

            var model = ef.GetLoadingFacts(context.CancellationToken);
            if (model.UsesSplitQueries(chain.Context?.Type) || IsSplitLater(top, ef))
            {
                return;
            }

            // Every path prefix that ends in a collection navigation, with the Include call that brings it.
            var collections = new List<(string Path, IInvocationOperation Invocation)>();
            foreach (var path in paths)
            {
                var type = chain.EntityType;
                for (var i = 0; i < path.Names.Length && type is not null; i++)
                {
                    var property = FindProperty(type, path.Names[i]);
                    if (property is null)
                    {
                        break;
                    }

                    var isCollection = property.Type.SpecialType != SpecialType.System_String && ef.Symbols.IsSequenceType(property.Type);
                    type = isCollection ? ef.Symbols.GetElementType(property.Type) : property.Type;
                    if (isCollection)
                    {
                        var prefix = string.Join(".", path.Names.Take(i + 1));
                        if (!collections.Any(c => c.Path == prefix))
                        {
                            collections.Add((prefix, path.Invocation));
                        }
                    }
                }
            }

            var topSpan = top.Syntax.Span;
            for (var i = 0; i < collections.Count; i++)
            {
                for (var j = i + 1; j < collections.Count; j++)
                {
                    var a = collections[i];
                    var b = collections[j];
                    if (IsPrefix(a.Path, b.Path) || IsPrefix(b.Path, a.Path))
                    {
                        continue;
                    }

                    // Report once: the pair must involve an Include written in this expression.
                    if (!topSpan.Contains(a.Invocation.Syntax.Span) && !topSpan.Contains(b.Invocation.Syntax.Span))
                    {
                        continue;
                    }

                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.EFP105_CartesianExplosion,
                        invocation.GetMethodNameLocation(),
                        "'" + a.Path + "'",
                        "'" + b.Path + "'"));
                    return;
                }
            }
        }

        private static bool IsPrefix(string prefix, string path)
            => path.StartsWith(prefix + ".", System.StringComparison.Ordinal);

        private static IPropertySymbol? FindProperty(ITypeSymbol type, string name)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers(name))
                {
                    if (member is IPropertySymbol property)
                    {
                        return property;
                    }
                }
            }

            return null;
        }

        /// <summary><c>var q = db.Blogs.Include(..).Include(..); ... q.AsSplitQuery()</c>: the split is applied to the local later.</summary>
        private static bool IsSplitLater(IOperation top, EfCompilation ef)
        {
            ILocalSymbol? local = top.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                _ => null,
            };
            if (local is null)
            {
                return false;
            }

            foreach (var op in top.GetRootOperation().Descendants())
            {
                if (op is IInvocationOperation { TargetMethod.Name: "AsSplitQuery" or "AsSingleQuery" } split
                    && split.GetReceiverOrThisArgument()?.WalkDownConversions() is ILocalReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
