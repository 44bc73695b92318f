namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// EFP107: <c>post.Blog.Id</c> where <c>post.BlogId</c> holds the same value, and the query includes <c>Blog</c> only
    /// for it: the Include joins and materializes every blog to read a key each post row already carries. Reported when
    /// the entity comes from an EF query that includes the navigation, and every read of that navigation on the variable
    /// in the method is a read of its key (so the Include can go). Without the Include the read is EFP102 (lazy loading)
    /// or EFP103 (not loaded); inside a query (an expression tree) EF Core already reads the foreign key.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ForeignKeyThroughNavigationAnalyzer() : EfAnalyzer(Descriptors.EFP107_ForeignKeyThroughNavigation)
    {
        /// <summary>Diagnostic property: the foreign key property's name (a member of the receiver's type).</summary>
        public const string ForeignKeyProperty = "ForeignKey";

        private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
        {
            PropertyReads.RegisterPerBody(
                start,
                ef,
                read => PropertyReads.VariableOf(read) is not null && !read.IsInsideExpressionTree(),
                (end, reads) => Analyze(end, ef, reads));
        }

        private static void Analyze(OperationBlockAnalysisContext context, EfCompilation ef, IEnumerable<IPropertyReferenceOperation> reads)
        {
            var access = ef.GetNavigationAccess(context.CancellationToken);
            var groups = new Dictionary<(ISymbol Variable, IPropertySymbol Navigation), List<(IPropertyReferenceOperation Read, IOperation? KeyRead)>>();
            foreach (var read in reads.OrderBy(r => r.Syntax.SpanStart))
            {
                if (!access.TryGetNavigation(read.Property, out var navigation) || navigation.IsCollection
                    || access.Model.IsOwned(navigation.Property, navigation.TargetType))
                {
                    continue;
                }

                var key = (PropertyReads.VariableOf(read)!, (IPropertySymbol)read.Property.OriginalDefinition);
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = new List<(IPropertyReferenceOperation, IOperation?)>();
                }

                var keyRead = KeyReadOf(read);
                var principalKey = ef.Model.FindSingleKey(navigation.TargetType);
                if (keyRead is not null && (principalKey is null || !SymbolEqualityComparer.Default.Equals(MemberOf(keyRead).Property.OriginalDefinition, principalKey.OriginalDefinition)))
                {
                    keyRead = null; // post.Blog.Name: the navigation is read for more than its key
                }

                list.Add((read, keyRead));
            }

            foreach (var group in groups)
            {
                // Any other use of the navigation (a member read, an assignment, passing it on) needs it loaded anyway.
                if (group.Value.Any(r => r.KeyRead is null))
                {
                    continue;
                }

                foreach (var (read, keyRead) in group.Value)
                {
                    Report(context, ef, access, read, keyRead!);
                }
            }
        }

        /// <summary><c>x.Nav.Key</c> or <c>x.Nav?.Key</c>: the operation reading a member of the navigation (checked to be the key later).</summary>
        private static IOperation? KeyReadOf(IPropertyReferenceOperation navigationRead)
        {
            if (navigationRead.Parent is IPropertyReferenceOperation member && member.Instance == navigationRead)
            {
                return member.Parent is IAssignmentOperation assignment && assignment.Target == member ? null : member;
            }

            if (navigationRead.Parent is IConditionalAccessOperation conditional && conditional.Operation == navigationRead
                && conditional.WhenNotNull is IPropertyReferenceOperation { Instance: IConditionalAccessInstanceOperation })
            {
                return conditional;
            }

            return null;
        }

        private static IPropertyReferenceOperation MemberOf(IOperation keyRead)
            => keyRead is IConditionalAccessOperation conditional ? (IPropertyReferenceOperation)conditional.WhenNotNull : (IPropertyReferenceOperation)keyRead;

        private static void Report(OperationBlockAnalysisContext context, EfCompilation ef, NavigationAccess access, IPropertyReferenceOperation read, IOperation keyRead)
        {
            var member = MemberOf(keyRead);
            var dependent = read.Instance!.Type;
            if (dependent is null
                || ModelConventions.FindForeignKey(ef.Model, dependent, (IPropertySymbol)read.Property.OriginalDefinition, out var principalKey) is not { } foreignKey
                || principalKey is null
                || !SymbolEqualityComparer.Default.Equals(member.Property.OriginalDefinition, principalKey.OriginalDefinition)
                || !TypesMatch(keyRead.Type, foreignKey.Type))
            {
                return;
            }

            // Only where the query includes the navigation: that Include (a join, a materialized entity per row) is the cost.
            if (access.TraceEntity(read.Instance, context.CancellationToken) is not { } origin
                || !NavigationAccess.TryGetIncludePaths(origin.Query, out var paths)
                || !NavigationAccess.Covers(paths, origin.Path.Select(n => n.Name).Append(read.Property.Name).ToList()))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.EFP107_ForeignKeyThroughNavigation,
                keyRead.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(ForeignKeyProperty, foreignKey.Name),
                read.Property.Name + "." + member.Property.Name,
                foreignKey.Name));
        }

        /// <summary>The read's type and the foreign key's are the same (<c>int</c>/<c>int</c>, or <c>int?</c> through <c>?.</c> and an <c>int?</c> key).</summary>
        private static bool TypesMatch(ITypeSymbol? read, ITypeSymbol foreignKey)
            => read is not null
               && SymbolEqualityComparer.Default.Equals(read.WithNullableAnnotation(NullableAnnotation.NotAnnotated), foreignKey.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
    }
}
