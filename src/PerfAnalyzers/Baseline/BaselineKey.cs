using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.Baseline
{
    /// <summary>
    /// The key of one finding in <c>perfanalyzers.baseline.json</c>: rule ID, file path relative to the baseline's folder
    /// (forward slashes), containing member (namespace, types and member with its parameter types, as written) and a
    /// fingerprint of the statement around the finding (its tokens, so whitespace, comments and line numbers do not
    /// count; nested statements such as a loop's body are left out). Syntax only, so the baseline suppressor (EFPS007)
    /// and the <c>perfanalyzers</c> CLI, which reads the finding's position from a SARIF log and parses the file, compute
    /// the same key. This is the one place that computes it.
    /// </summary>
    internal readonly struct BaselineKey(string rule, string file, string member, string fingerprint) : IEquatable<BaselineKey>
    {
        public string Rule { get; } = rule;

        /// <summary>Relative to the folder of the baseline file, '/' separators.</summary>
        public string File { get; } = file;

        public string Member { get; } = member;

        public string Fingerprint { get; } = fingerprint;

        public bool Equals(BaselineKey other)
            => string.Equals(Rule, other.Rule, StringComparison.Ordinal)
               && string.Equals(File, other.File, StringComparison.Ordinal)
               && string.Equals(Member, other.Member, StringComparison.Ordinal)
               && string.Equals(Fingerprint, other.Fingerprint, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is BaselineKey other && Equals(other);

        public override int GetHashCode()
        {
            unchecked
            {
                var hash = StringComparer.Ordinal.GetHashCode(Rule ?? "");
                hash = (hash * 397) ^ StringComparer.Ordinal.GetHashCode(File ?? "");
                hash = (hash * 397) ^ StringComparer.Ordinal.GetHashCode(Member ?? "");
                return (hash * 397) ^ StringComparer.Ordinal.GetHashCode(Fingerprint ?? "");
            }
        }

        public override string ToString() => $"{Rule} {File} {Member} {Fingerprint}";

        /// <summary>
        /// The key of a finding of <paramref name="rule"/> at <paramref name="position"/> in <paramref name="root"/>;
        /// <paramref name="code"/> is the normalized statement text (for people reading the baseline, not part of the key).
        /// </summary>
        public static BaselineKey Create(string rule, string filePath, string baselineDirectory, SyntaxNode root, int position, out string code)
        {
            var token = root.FindToken(Math.Max(0, Math.Min(position, root.FullSpan.End)));
            var node = token.Parent ?? root;
            var anchor = Anchor(node);
            var tokens = Tokens(anchor);
            code = Join(tokens);
            return new BaselineKey(rule, RelativePath(baselineDirectory, filePath), ContainingMember(node), Hash(tokens));
        }

        /// <summary>The statement around the finding; outside statements, the expression body, initializer, attribute or member.</summary>
        internal static SyntaxNode Anchor(SyntaxNode node)
        {
            for (var n = node; n is not null; n = n.Parent)
            {
                if (n is StatementSyntax and not BlockSyntax)
                {
                    return n;
                }
            }

            for (var n = node; n is not null; n = n.Parent)
            {
                if (n is ArrowExpressionClauseSyntax or EqualsValueClauseSyntax or AttributeSyntax or MemberDeclarationSyntax or ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax)
                {
                    return n;
                }
            }

            return node;
        }

        /// <summary>The anchor's tokens without those of nested statements (a loop's body) and nested members.</summary>
        private static List<SyntaxToken> Tokens(SyntaxNode anchor)
            => anchor.DescendantTokens(n => n == anchor || !(n is StatementSyntax || n is MemberDeclarationSyntax))
                .Where(t => !t.IsMissing && t.Span.Length > 0)
                .ToList();

        /// <summary>FNV-1a (64 bit) over the token texts, each followed by a separator: stable across runs, processes and platforms.</summary>
        private static string Hash(List<SyntaxToken> tokens)
        {
            const ulong offset = 14695981039346656037UL;
            const ulong prime = 1099511628211UL;
            var hash = offset;
            foreach (var token in tokens)
            {
                foreach (var c in token.Text)
                {
                    hash = (hash ^ c) * prime;
                }

                hash = (hash ^ '\u0001') * prime;
            }

            return hash.ToString("x16", CultureInfo.InvariantCulture);
        }

        /// <summary>Token texts with a space only where two words would otherwise merge (<c>var x=db.Posts.ToList();</c>).</summary>
        internal static string Join(IEnumerable<SyntaxToken> tokens)
        {
            var text = new StringBuilder();
            foreach (var token in tokens)
            {
                var t = token.Text;
                if (t.Length == 0)
                {
                    continue;
                }

                if (text.Length > 0 && IsWordChar(text[text.Length - 1]) && IsWordChar(t[0]))
                {
                    text.Append(' ');
                }

                text.Append(t);
            }

            return text.ToString();
        }

        private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '@' || c == '"' || c == '$';

        private static string Normalized(SyntaxNode? node) => node is null ? "" : Join(node.DescendantTokens());

        /// <summary>Namespace, types and member, e.g. <c>Shop.Services.OrderService.Load(int, CancellationToken)</c>.</summary>
        internal static string ContainingMember(SyntaxNode node)
        {
            string? member = null;
            var containers = new List<string>();
            for (var n = node; n is not null; n = n.Parent)
            {
                switch (n)
                {
                    case GlobalStatementSyntax when member is null:
                        member = "<top-level statements>";
                        break;
                    case BaseTypeDeclarationSyntax type:
                        containers.Add(type is TypeDeclarationSyntax { TypeParameterList: { } typeParameters }
                            ? type.Identifier.ValueText + Normalized(typeParameters)
                            : type.Identifier.ValueText);
                        break;
                    case DelegateDeclarationSyntax @delegate:
                        containers.Add(@delegate.Identifier.ValueText);
                        break;
                    case BaseNamespaceDeclarationSyntax ns:
                        containers.Add(Normalized(ns.Name));
                        break;
                    case MemberDeclarationSyntax declaration when member is null:
                        member = MemberName(declaration);
                        break;
                }
            }

            containers.Reverse();
            if (member is not null)
            {
                containers.Add(member);
            }

            return string.Join(".", containers);
        }

        private static string? MemberName(MemberDeclarationSyntax member)
        {
            switch (member)
            {
                case MethodDeclarationSyntax method:
                    return Explicit(method.ExplicitInterfaceSpecifier) + method.Identifier.ValueText + Normalized(method.TypeParameterList) + Parameters(method.ParameterList);
                case ConstructorDeclarationSyntax constructor:
                    return (constructor.Modifiers.Any(SyntaxKind.StaticKeyword) ? ".cctor" : ".ctor") + Parameters(constructor.ParameterList);
                case DestructorDeclarationSyntax:
                    return "Finalize()";
                case OperatorDeclarationSyntax op:
                    return "operator " + op.OperatorToken.Text + Parameters(op.ParameterList);
                case ConversionOperatorDeclarationSyntax conversion:
                    return conversion.ImplicitOrExplicitKeyword.Text + " operator " + Normalized(conversion.Type) + Parameters(conversion.ParameterList);
                case PropertyDeclarationSyntax property:
                    return Explicit(property.ExplicitInterfaceSpecifier) + property.Identifier.ValueText;
                case IndexerDeclarationSyntax indexer:
                    return Explicit(indexer.ExplicitInterfaceSpecifier) + "this[" + string.Join(", ", indexer.ParameterList.Parameters.Select(Parameter)) + "]";
                case EventDeclarationSyntax @event:
                    return Explicit(@event.ExplicitInterfaceSpecifier) + @event.Identifier.ValueText;
                case BaseFieldDeclarationSyntax field:
                    return string.Join(",", field.Declaration.Variables.Select(v => v.Identifier.ValueText));
                case EnumMemberDeclarationSyntax enumMember:
                    return enumMember.Identifier.ValueText;
                default:
                    return null; // a type or namespace: the containers name it
            }
        }

        private static string Explicit(ExplicitInterfaceSpecifierSyntax? specifier) => specifier is null ? "" : Normalized(specifier.Name) + ".";

        private static string Parameters(ParameterListSyntax list) => "(" + string.Join(", ", list.Parameters.Select(Parameter)) + ")";

        private static string Parameter(ParameterSyntax parameter)
        {
            var modifiers = parameter.Modifiers.Select(m => m.Text).Where(m => m != "this");
            var type = Normalized(parameter.Type);
            return string.Join(" ", modifiers.Concat(new[] { type }).Where(s => s.Length > 0));
        }

        /// <summary>
        /// <paramref name="path"/> relative to <paramref name="directory"/> with '/' separators ("../" where it lies
        /// outside); both are first normalized to '/'. A path on another root (another drive) stays absolute.
        /// </summary>
        internal static string RelativePath(string directory, string path)
        {
            var from = Split(directory);
            var to = Split(path);
            if (from.Length == 0 || to.Length == 0 || !Same(from[0], to[0]))
            {
                return string.Join("/", to);
            }

            var common = 0;
            while (common < from.Length && common < to.Length - 1 && Same(from[common], to[common]))
            {
                common++;
            }

            var parts = Enumerable.Repeat("..", from.Length - common).Concat(to.Skip(common));
            return string.Join("/", parts);

            // Segments, with "." dropped and "a/.." folded (a path the compiler was given as "src/../x.json").
            static string[] Split(string p)
            {
                var segments = new List<string>();
                foreach (var s in p.Replace('\\', '/').Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (s == ".")
                    {
                        continue;
                    }

                    if (s == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..")
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }
                    else
                    {
                        segments.Add(s);
                    }
                }

                return segments.ToArray();
            }

            // Case-insensitive: a Windows drive letter or folder may be spelled differently by two tools.
            static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }
    }
}
