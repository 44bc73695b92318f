using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.EfCore;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>Compiles a snippet against the shared EF model and hands out operations by marker, for semantic-layer tests.</summary>
    internal sealed class EfCoreTestHost
    {
        private EfCoreTestHost(CSharpCompilation compilation, SyntaxTree tree, EfCompilation? ef)
        {
            Compilation = compilation;
            Tree = tree;
            Model = compilation.GetSemanticModel(tree);
            Ef = ef;
        }

        public CSharpCompilation Compilation { get; }

        public SyntaxTree Tree { get; }

        public SemanticModel Model { get; }

        public EfCompilation? Ef { get; }

        public static EfCoreTestHost Create(string source, EfVersion version = EfVersion.Ef10, bool allowErrors = false)
        {
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var trees = version == EfVersion.None
                ? new[] { CSharpSyntaxTree.ParseText(source, parse, path: "Test.cs") }
                : new[] { CSharpSyntaxTree.ParseText(Verifiers.EfModel.Prelude, parse, path: "Model.cs"), CSharpSyntaxTree.ParseText(source, parse, path: "Test.cs") };
            var compilation = CSharpCompilation.Create(
                "Test",
                trees,
                EfReferences.For(version),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
            if (!allowErrors)
            {
                var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                if (errors.Count > 0)
                {
                    throw new InvalidOperationException("Test source does not compile:\n" + string.Join("\n", errors));
                }
            }

            return new EfCoreTestHost(compilation, trees.Last(), EfCompilation.TryCreate(compilation));
        }

        /// <summary>The invocation whose method name is followed by the comment marker, e.g. <c>ToList/*1*/()</c>.</summary>
        public IInvocationOperation Invocation(string marker)
        {
            var root = Tree.GetRoot();
            var trivia = root.DescendantTrivia().First(t => t.IsKind(SyntaxKind.MultiLineCommentTrivia) && t.ToString() == "/*" + marker + "*/");
            var invocation = trivia.Token.Parent!.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().First();
            return (IInvocationOperation)Model.GetOperation(invocation)!;
        }

        /// <summary>The foreach statement preceded by the marker comment.</summary>
        public IForEachLoopOperation ForEach(string marker)
        {
            var root = Tree.GetRoot();
            var trivia = root.DescendantTrivia().First(t => t.IsKind(SyntaxKind.MultiLineCommentTrivia) && t.ToString() == "/*" + marker + "*/");
            var statement = trivia.Token.Parent!.AncestorsAndSelf().OfType<CommonForEachStatementSyntax>().First();
            return (IForEachLoopOperation)Model.GetOperation(statement)!;
        }

        public RoundTrip? RoundTrip(string marker)
            => Ef!.TryGetRoundTrip(Invocation(marker), out var roundTrip) ? roundTrip : null;
    }
}
