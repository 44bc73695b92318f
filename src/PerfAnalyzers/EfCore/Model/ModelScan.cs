using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The one scan of the EF model configuration visible in source, run once per compilation by <see cref="EfModel"/>.
    /// <para>
    /// Every configuration style is read by the same pass: <c>OnModelCreating</c>, <c>IEntityTypeConfiguration&lt;T&gt;.Configure</c>,
    /// helper methods taking a <c>ModelBuilder</c>/<c>EntityTypeBuilder</c>/<c>OwnedNavigationBuilder</c> (wherever they are
    /// declared: a configuration call is recognised by its EF method and the builder it is called on, not by the method it
    /// sits in), <c>OnConfiguring</c>, <c>AddDbContext*</c>/pool/factory registrations and <c>ChangeTracker</c> settings.
    /// The migrations' <c>ModelSnapshot</c> is read from syntax alone (<see cref="SnapshotReader"/>); the migrations'
    /// designer files are skipped. Attributes are read from the symbols when a question is asked.
    /// </para>
    /// <para>
    /// Cost: one text check per syntax tree (<see cref="MayHoldConfiguration"/>), the nodes to visit in the trees that pass
    /// found from their text (<see cref="VisitedNodes"/>, no walk of every node), and
    /// binding only the invocations whose method name is a configuration API (<see cref="BoundNames"/>), at most
    /// <see cref="MaxBoundInvocations"/> of them. A scan cut short answers conservatively (every entity may have a query
    /// filter and a concurrency token), so it never makes a bulk-write fix look safe.
    /// </para>
    /// </summary>
    internal sealed class ModelScan
    {
        internal const int MaxBoundInvocations = 20000;

        /// <summary>Text that every tree holding configuration contains (a builder parameter, a context type, a tracking setting, Set&lt;T&gt;).</summary>
        private static readonly string[] TreeKeywords = { "Builder", "DbContext", "QueryTrackingBehavior", "Set<" };

        /// <summary>
        /// The options methods that choose a database provider (which one is read from the method's assembly, see
        /// <see cref="ReferencedProviders.IsSqliteAssembly"/>), so the scan knows which contexts can only run on SQLite.
        /// </summary>
        internal static readonly ImmutableHashSet<string> ProviderMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "UseSqlite", "UseSqlServer", "UseAzureSql", "UseAzureSynapse", "UseNpgsql", "UseMySql", "UseMySQL", "UseOracle",
            "UseFirebird", "UseJet", "UseDb2", "UseSpanner", "UseSnowflake", "UseSqlCe", "UseInMemoryDatabase", "UseCosmos", "UseMongoDB");

        /// <summary>The configuration APIs whose invocations are bound. Everything else is never bound by the scan.</summary>
        internal static readonly ImmutableHashSet<string> BoundNames = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            // keys, indexes, seeding, columns, mapping
            "HasKey", "HasNoKey", "HasAlternateKey", "HasIndex", "HasData", "HasMaxLength", "HasColumnType", "Ignore", "HasDbFunction",
            // owned and complex types
            "OwnsOne", "OwnsMany", "ComplexProperty", "ComplexCollection", "Owned",
            // concurrency, filters, inheritance
            "IsRowVersion", "IsConcurrencyToken", "HasQueryFilter", "SetQueryFilter",
            "HasDiscriminator", "HasBaseType", "UseTptMappingStrategy", "UseTpcMappingStrategy", "UseTphMappingStrategy",
            // loading and context options
            "AutoInclude", "UseLazyLoadingProxies", "UseQuerySplittingBehavior", "UseQueryTrackingBehavior",
            // entity types and registrations
            "Entity", "Set", "AddDbContext", "AddDbContextFactory", "AddDbContextPool", "AddPooledDbContextFactory")
            .Union(ProviderMethods);

        /// <summary>
        /// Fluent calls that name a member as mapped (<c>Property(x =&gt; x.P)</c>, <c>Property&lt;int&gt;("P")</c>, keys, owned and
        /// relationship navigations): the names are read from syntax, nothing is bound (<see cref="ConfiguredNames"/>).
        /// </summary>
        internal static readonly ImmutableHashSet<string> MemberNamingCalls = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Property", "PrimitiveCollection", "HasKey", "HasAlternateKey", "HasIndex", "OwnsOne", "OwnsMany", "ComplexProperty",
            "ComplexCollection", "HasOne", "HasMany", "WithOne", "WithMany", "Navigation", "HasForeignKey", "HasPrincipalKey", "HasField");

        internal static readonly ImmutableHashSet<string> RegistrationMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal, "AddDbContext", "AddDbContextFactory", "AddDbContextPool", "AddPooledDbContextFactory");

        private readonly EfSymbols _ef;
        private int _bound;

        private ModelScan(EfSymbols ef) => _ef = ef;

        // ---- what the scan found (read by the EfModel.<Question>.cs files) ----

        /// <summary>Fluent <c>HasKey</c>: the key's properties in order (empty when a property could not be read).</summary>
        public Dictionary<ITypeSymbol, ImmutableArray<IPropertySymbol>> Keys { get; } = new Dictionary<ITypeSymbol, ImmutableArray<IPropertySymbol>>(SymbolEqualityComparer.Default);

        /// <summary>The snapshot's <c>HasKey</c>, used after the code's own configuration.</summary>
        public Dictionary<ITypeSymbol, ImmutableArray<IPropertySymbol>> SnapshotKeys { get; } = new Dictionary<ITypeSymbol, ImmutableArray<IPropertySymbol>>(SymbolEqualityComparer.Default);

        public HashSet<ITypeSymbol> Keyless { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public List<ModelIndex> Indexes { get; } = new List<ModelIndex>();

        public HashSet<ITypeSymbol> Seeded { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public Dictionary<IPropertySymbol, int> MaxLengths { get; } = new Dictionary<IPropertySymbol, int>(SymbolEqualityComparer.Default);

        public Dictionary<IPropertySymbol, string> ColumnTypes { get; } = new Dictionary<IPropertySymbol, string>(SymbolEqualityComparer.Default);

        /// <summary>Fluent <c>Ignore(x =&gt; x.P)</c> / <c>Ignore("P")</c>.</summary>
        public HashSet<IPropertySymbol> Ignored { get; } = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);

        /// <summary>
        /// Names of members the fluent configuration or the snapshot names as mapped (<c>Property(x =&gt; x.P)</c>, <c>Property("P")</c>,
        /// <c>HasKey(x =&gt; new { x.A, x.B })</c>, <c>OwnsOne(x =&gt; x.Address)</c>, <c>b.Property&lt;int&gt;("P")</c> in the snapshot), by name:
        /// a superset, read from syntax without binding. A property named here is a column (or navigation) whatever its C# shape.
        /// </summary>
        public HashSet<string> ConfiguredNames { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Methods mapped to database functions with <c>HasDbFunction(..)</c> (<c>[DbFunction]</c> is read from the symbol).</summary>
        public HashSet<IMethodSymbol> DbFunctions { get; } = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        /// <summary>Database functions named by string (<c>HasDbFunction(typeof(X).GetMethod("F"))</c>).</summary>
        public HashSet<string> DbFunctionNames { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>A <c>HasDbFunction</c> call whose method could not be read: any static method may be a database function.</summary>
        public bool UnresolvedDbFunctions { get; private set; }

        /// <summary>Entities that own an owned type (OwnsOne/OwnsMany).</summary>
        public HashSet<ITypeSymbol> OwnedOwners { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public HashSet<IPropertySymbol> OwnedNavigations { get; } = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);

        public HashSet<ITypeSymbol> OwnedTypes { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>Owned navigations named by string (<c>OwnsOne&lt;T&gt;("Address")</c>, the snapshot): (owner, name).</summary>
        public HashSet<(ITypeSymbol Type, string Name)> OwnedByName { get; } = new HashSet<(ITypeSymbol, string)>(new TypeNameComparer());

        /// <summary>Entities with complex properties (ComplexProperty/ComplexCollection).</summary>
        public HashSet<ITypeSymbol> ComplexOwners { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public HashSet<IPropertySymbol> ComplexNavigations { get; } = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);

        public HashSet<ITypeSymbol> ComplexTypes { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public HashSet<ITypeSymbol> ConcurrencyTokens { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public bool ConcurrencyTokenOnAll { get; private set; }

        public HashSet<ITypeSymbol> QueryFilters { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public bool QueryFilterOnAll { get; private set; }

        public HashSet<ITypeSymbol> Inheritance { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public HashSet<IPropertySymbol> AutoIncluded { get; } = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);

        public HashSet<ITypeSymbol> EntityTypes { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public HashSet<ITypeSymbol> SourceContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>Contexts whose options are visible: an OnConfiguring override, or an AddDbContext*-style registration.</summary>
        public HashSet<ITypeSymbol> ConfiguredContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>Contexts registered in DI, with the registration method (AddDbContext, AddDbContextPool, ...).</summary>
        public List<(ITypeSymbol Context, string Method)> Registrations { get; } = new List<(ITypeSymbol, string)>();

        public HashSet<ITypeSymbol> LazyContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>Contexts configured with <c>UseSqlite</c> (in OnConfiguring or a registration).</summary>
        public HashSet<ITypeSymbol> SqliteContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public bool SqliteUnattributed;

        /// <summary>Contexts configured with a provider other than SQLite (SQL Server, PostgreSQL, MySQL, InMemory...).</summary>
        public HashSet<ITypeSymbol> OtherProviderContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>A provider other than SQLite is chosen where the scan cannot tell for which context (a helper method).</summary>
        public bool OtherProviderUnattributed;

        public bool LazyUnattributed;

        public HashSet<ITypeSymbol> SplitContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public bool SplitUnattributed;

        public HashSet<ITypeSymbol> NoTrackingContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        public bool NoTrackingUnattributed;

        /// <summary>Entity types the migrations' snapshot lists (its HasIndex calls include the foreign-key indexes EF creates).</summary>
        public HashSet<ITypeSymbol> SnapshotEntities { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>A <c>ModelSnapshot</c> was read.</summary>
        public bool SnapshotFound { get; internal set; }

        /// <summary>The compilation declares migrations (<c>[Migration]</c> or <c>: Migration</c>).</summary>
        public bool HasMigrations { get; private set; }

        /// <summary>Source contexts that override <c>OnModelCreating</c>: their model configuration is visible.</summary>
        public HashSet<ITypeSymbol> ModelCreatingContexts { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>Property names given to <c>HasForeignKey</c> (fluent or snapshot), by name: a superset.</summary>
        public HashSet<string> ForeignKeyNames { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Entities with a HasKey/HasIndex/HasAlternateKey whose columns could not be read: their indexes are not all known.</summary>
        public HashSet<ITypeSymbol> UnreadIndexes { get; } = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>An index configured on an entity the scan cannot name (a generic helper, <c>Entity(clrType)</c>): no entity's indexes are all known.</summary>
        public bool UnreadIndexesOnAll { get; private set; }

        /// <summary>The scan stopped early (too much configuration, or an exception): answer conservatively.</summary>
        public bool Incomplete { get; private set; }

        private readonly Dictionary<string, INamedTypeSymbol?> _metadataNames = new Dictionary<string, INamedTypeSymbol?>(StringComparer.Ordinal);

        /// <summary>
        /// "Ns.Blog" (nested types as "Ns.Outer+Inner") as the snapshot names entity types; null for shared-type names with '#'
        /// (not CLR types). Cached: <c>GetTypeByMetadataName</c> searches every reference, and a snapshot names each type several times.
        /// </summary>
        internal INamedTypeSymbol? ResolveMetadataName(string name)
        {
            if (!_metadataNames.TryGetValue(name, out var type))
            {
                type = name.IndexOf('#') >= 0 ? null : _ef.Compilation.GetTypeByMetadataName(name)?.OriginalDefinition;
                _metadataNames[name] = type;
            }

            return type;
        }

        // ---- the scan ----

        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "Model configuration lives in other members (OnModelCreating, Program.cs); it is read once per compilation, only in trees whose text can hold configuration, binding only configuration calls, and cached.")]
        public static ModelScan Run(EfSymbols ef, CancellationToken cancellationToken)
        {
            var scan = new ModelScan(ef);
            try
            {
                foreach (var tree in ef.Compilation.SyntaxTrees)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!TreeText.MentionsAny(tree, TreeKeywords, cancellationToken))
                    {
                        continue;
                    }

                    var model = ef.Compilation.GetSemanticModel(tree);
                    scan.VisitTree(tree, model, cancellationToken);
                    if (scan.Incomplete)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                scan.Incomplete = true;
            }

            if (scan.Incomplete)
            {
                // A scan that cannot finish must not make a bulk-write fix look safe: treat everything as configured.
                scan.QueryFilterOnAll = true;
                scan.ConcurrencyTokenOnAll = true;
            }

            return scan;
        }

        /// <summary>The cheap per-tree prefilter: only trees whose text can hold configuration are walked.</summary>
        internal static bool MayHoldConfiguration(string text)
        {
            foreach (var keyword in TreeKeywords)
            {
                if (text.IndexOf(keyword, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The words that name every node <see cref="VisitTree"/> acts on: the class keyword, the invocations' method names
        /// and the assigned <c>QueryTrackingBehavior</c>.
        /// </summary>
        private static readonly TreeText.WordSet VisitedWords = new TreeText.WordSet(
            new[] { "class", "QueryTrackingBehavior" }.Concat(MemberNamingCalls).Concat(BoundNames));

        /// <summary>
        /// The nodes of a tree the scan acts on (class declarations, invocations named like a configuration API, assignments
        /// of <c>QueryTrackingBehavior</c>), outside migrations and the snapshot, in the order <c>DescendantNodes</c> gives them.
        /// Found from the tree's text (<see cref="TreeText.Tokens"/>) instead of a walk of every node (issue 14: a Blazor
        /// project's generated components name <c>RenderTreeBuilder</c>, pass the tree check, and were walked node by node).
        /// </summary>
        private static List<SyntaxNode> VisitedNodes(SyntaxTree tree, CancellationToken cancellationToken)
        {
            var nodes = new List<SyntaxNode>();
            foreach (var token in TreeText.Tokens(tree, VisitedWords, cancellationToken))
            {
                SyntaxNode? node = null;
                if (token.IsKind(SyntaxKind.ClassKeyword))
                {
                    node = token.Parent as ClassDeclarationSyntax;
                }
                else if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is SimpleNameSyntax simple)
                {
                    var expression = simple.Parent is MemberAccessExpressionSyntax access && access.Name == simple ? (ExpressionSyntax)access : simple;
                    node = expression.Parent switch
                    {
                        InvocationExpressionSyntax invocation when invocation.Expression == expression && token.ValueText != "QueryTrackingBehavior" => invocation,
                        AssignmentExpressionSyntax assignment when assignment.Left == expression && expression is MemberAccessExpressionSyntax => assignment,
                        _ => null,
                    };
                }

                if (node is not null && node.Ancestors().All(DescendInto))
                {
                    nodes.Add(node);
                }
            }

            // Preorder: an enclosing node before the nodes inside it, else text order.
            nodes.Sort((a, b) => a.SpanStart != b.SpanStart ? a.SpanStart.CompareTo(b.SpanStart) : b.Span.Length.CompareTo(a.Span.Length));
            return nodes;
        }

        private void VisitTree(SyntaxTree tree, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var node in VisitedNodes(tree, cancellationToken))
            {
                switch (node)
                {
                    case ClassDeclarationSyntax declaration:
                        if (SnapshotReader.IsSnapshot(declaration))
                        {
                            if (model.GetDeclaredSymbol(declaration, cancellationToken) is INamedTypeSymbol snapshot
                                && snapshot.BaseType is { Name: "ModelSnapshot" } baseType && EfSymbols.IsInEfNamespace(baseType))
                            {
                                SnapshotReader.Read(declaration, this, cancellationToken);
                            }
                        }
                        else if (!IsMigration(declaration))
                        {
                            VisitClass(declaration, model, cancellationToken);
                        }
                        else
                        {
                            HasMigrations = true;
                        }

                        break;
                    case InvocationExpressionSyntax invocation:
                        VisitInvocation(invocation, model, cancellationToken);
                        break;
                    case AssignmentExpressionSyntax assignment:
                        VisitAssignment(assignment, model, cancellationToken);
                        break;
                }

                if (Incomplete)
                {
                    return;
                }
            }
        }

        /// <summary>The snapshot is read from syntax; migrations (and their designer files: a model per migration) are not configuration.</summary>
        private static bool DescendInto(SyntaxNode node)
            => node is not ClassDeclarationSyntax declaration || (!SnapshotReader.IsSnapshot(declaration) && !IsMigration(declaration));

        private static bool IsMigration(ClassDeclarationSyntax declaration)
        {
            foreach (var list in declaration.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    var name = attribute.Name is QualifiedNameSyntax qualified ? qualified.Right.Identifier.ValueText : (attribute.Name as IdentifierNameSyntax)?.Identifier.ValueText;
                    if (name is "Migration" or "MigrationAttribute")
                    {
                        return true;
                    }
                }
            }

            return declaration.BaseList?.Types.Any(t => t.Type is IdentifierNameSyntax { Identifier.ValueText: "Migration" } or QualifiedNameSyntax { Right.Identifier.ValueText: "Migration" }) == true;
        }

        private void VisitClass(ClassDeclarationSyntax declaration, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
            {
                return;
            }

            if (_ef.IsDbContext(type))
            {
                SourceContexts.Add(type.OriginalDefinition);
                foreach (var member in type.GetMembers())
                {
                    if (member is IPropertySymbol property && _ef.IsDbSet(property.Type) && property.Type is INamedTypeSymbol set && set.TypeArguments.Length == 1)
                    {
                        EntityTypes.Add(set.TypeArguments[0].OriginalDefinition);
                    }

                    if (member is IMethodSymbol { Name: "OnConfiguring", IsOverride: true })
                    {
                        ConfiguredContexts.Add(type.OriginalDefinition);
                    }

                    if (member is IMethodSymbol { Name: "OnModelCreating", IsOverride: true })
                    {
                        ModelCreatingContexts.Add(type.OriginalDefinition);
                    }
                }
            }

            foreach (var i in type.AllInterfaces)
            {
                if (i.Name == "IEntityTypeConfiguration" && i.TypeArguments.Length == 1 && EfSymbols.IsInEfNamespace(i))
                {
                    EntityTypes.Add(i.TypeArguments[0].OriginalDefinition);
                }
            }

            if (EfModel.HasOwnedAttribute(type))
            {
                OwnedTypes.Add(type.OriginalDefinition);
            }
        }

        private void VisitInvocation(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            var name = invocation.InvokedName();
            if (name is not null && MemberNamingCalls.Contains(name))
            {
                RecordConfiguredNames(invocation, ConfiguredNames);
                if (name == "HasForeignKey")
                {
                    RecordConfiguredNames(invocation, ForeignKeyNames);
                }
            }

            if (name is null || !BoundNames.Contains(name) || invocation.ContainsDiagnostics)
            {
                // Not a configuration API, or half-typed code (a syntax error in the call): configures nothing.
                return;
            }

            if (name is "Set" or "Entity" or "Owned"
                && (invocation.Expression is not (GenericNameSyntax or MemberAccessExpressionSyntax { Name: GenericNameSyntax }) || KnownTypeArgument(invocation, model, allowArguments: name != "Owned")))
            {
                // Set<Blog>() / Entity<Blog>() / Owned<Address>() only name a type: a call without type arguments (a cache's
                // Set(key, value), Entity(clrType)) names none, and a known entity type need not be bound again. Entity<Blog>(b => ..)
                // and Set<Blog>("name") record nothing but the type either (the calls inside the lambda are visited on their
                // own), so a known type skips binding the method they sit in (issue 14: a provider context's OnModelCreating
                // that only sets column defaults inside Entity<T>(..) was bound for nothing).
                return;
            }

            if (name == "Ignore" && invocation.ArgumentList.Arguments.Count == 0)
            {
                // EF's Ignore names what it ignores; Ignore() is another library's (AutoMapper's member options).
                return;
            }

            if (++_bound > MaxBoundInvocations)
            {
                Incomplete = true;
                return;
            }

            if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation || operation.IsUnbound() || operation.HasUnboundArgument())
            {
                return;
            }

            var method = operation.TargetMethod;
            if (RegistrationMethods.Contains(name))
            {
                foreach (var context in RegisteredContexts(method))
                {
                    ConfiguredContexts.Add(context.OriginalDefinition);
                    Registrations.Add((context.OriginalDefinition, name));
                }

                return;
            }

            if (ProviderMethods.Contains(name))
            {
                // An extension of DbContextOptionsBuilder from a provider's assembly (UseSqlite lives in
                // Microsoft.EntityFrameworkCore.Sqlite); another library's method of the same name is not a provider.
                if (method.IsExtensionMethod && method.Parameters.Length > 0 && IsOptionsBuilder(method.Parameters[0].Type))
                {
                    if (ReferencedProviders.IsSqliteAssembly(method.ContainingAssembly?.Name))
                    {
                        AddForContext(invocation, model, SqliteContexts, ref SqliteUnattributed, cancellationToken);
                    }
                    else
                    {
                        AddForContext(invocation, model, OtherProviderContexts, ref OtherProviderUnattributed, cancellationToken);
                    }
                }

                return;
            }

            if (!EfSymbols.IsInEfNamespace(method.ContainingType ?? (ISymbol)method))
            {
                return;
            }

            switch (name)
            {
                case "HasDbFunction":
                    RecordDbFunction(operation);
                    break;

                case "UseLazyLoadingProxies":
                    if (!IsFalseArgument(invocation, model, cancellationToken))
                    {
                        AddForContext(invocation, model, LazyContexts, ref LazyUnattributed, cancellationToken);
                    }

                    break;

                case "UseQuerySplittingBehavior":
                    if (invocation.ArgumentList.Arguments.Count == 1
                        && model.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression, cancellationToken) is { HasValue: true, Value: int value }
                        && value == 1)
                    {
                        AddForContext(invocation, model, SplitContexts, ref SplitUnattributed, cancellationToken);
                    }

                    break;

                case "UseQueryTrackingBehavior":
                    // QueryTrackingBehavior.TrackAll is 0; NoTracking and NoTrackingWithIdentityResolution (or a value we
                    // cannot read) may turn tracking off.
                    if (invocation.ArgumentList.Arguments.Count == 1
                        && !(model.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression, cancellationToken) is { HasValue: true, Value: int tracking } && tracking == 0))
                    {
                        AddForContext(invocation, model, NoTrackingContexts, ref NoTrackingUnattributed, cancellationToken);
                    }

                    break;

                case "AutoInclude":
                    if (!IsFalseArgument(invocation, model, cancellationToken)
                        && operation.Instance?.WalkDownConversions() is IInvocationOperation navigationCall
                        && LambdaProperty(navigationCall) is { } autoIncluded)
                    {
                        AutoIncluded.Add(autoIncluded.OriginalDefinition);
                    }

                    break;

                case "OwnsOne":
                case "OwnsMany":
                case "ComplexProperty":
                case "ComplexCollection":
                    RecordOwned(operation, invocation, model, cancellationToken, complex: name.StartsWith("Complex", StringComparison.Ordinal));
                    break;

                case "Owned":
                    if (method.IsGenericMethod && method.TypeArguments.Length == 1)
                    {
                        OwnedTypes.Add(method.TypeArguments[0].OriginalDefinition);
                    }

                    break;

                case "Entity":
                case "Set":
                    if (method.IsGenericMethod && method.TypeArguments.Length == 1)
                    {
                        EntityTypes.Add(method.TypeArguments[0].OriginalDefinition);
                    }

                    break;

                case "HasMaxLength":
                case "HasColumnType":
                    // HasColumnType is an extension method (relational): its builder is the `this` argument.
                    if (ConfiguredProperty(operation.GetReceiverOrThisArgument()) is { } configured
                        && ExplicitArguments(operation).FirstOrDefault()?.Value.ConstantValue is { HasValue: true } constant)
                    {
                        if (name == "HasMaxLength" && constant.Value is int length)
                        {
                            MaxLengths[configured] = length;
                        }
                        else if (name == "HasColumnType" && constant.Value is string columnType)
                        {
                            ColumnTypes[configured] = columnType;
                        }
                    }

                    break;

                case "HasKey":
                case "HasNoKey":
                case "HasData":
                case "HasIndex":
                case "HasAlternateKey":
                case "Ignore":
                    RecordEntityShape(name, operation);
                    break;

                case "IsRowVersion":
                case "IsConcurrencyToken":
                    if (operation.Arguments.Length > 0 && operation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false })
                    {
                        return;
                    }

                    AddConfiguredEntity(ConcurrencyTokens, operation, onAll: () => ConcurrencyTokenOnAll = true);
                    break;

                case "HasQueryFilter":
                case "SetQueryFilter":
                    AddConfiguredEntity(QueryFilters, operation, onAll: () => QueryFilterOnAll = true);
                    break;

                case "HasDiscriminator":
                case "HasBaseType":
                case "UseTptMappingStrategy":
                case "UseTpcMappingStrategy":
                case "UseTphMappingStrategy":
                    AddConfiguredEntity(Inheritance, operation, onAll: null);
                    break;
            }
        }

        /// <summary>The member names a configuration call's arguments give: <c>x =&gt; x.P</c>, <c>x =&gt; new { x.A, x.B }</c>, <c>"P"</c>, <c>nameof(T.P)</c>.</summary>
        private static void RecordConfiguredNames(InvocationExpressionSyntax invocation, HashSet<string> configuredNames)
        {
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                var expression = argument.Expression;
                if (expression is LambdaExpressionSyntax { ExpressionBody: { } body })
                {
                    expression = body;
                }

                switch (expression)
                {
                    case MemberAccessExpressionSyntax access:
                        configuredNames.Add(access.Name.Identifier.ValueText);
                        break;
                    case AnonymousObjectCreationExpressionSyntax anonymous:
                        foreach (var member in anonymous.Initializers)
                        {
                            if (member.Expression is MemberAccessExpressionSyntax column)
                            {
                                configuredNames.Add(column.Name.Identifier.ValueText);
                            }
                        }

                        break;
                    case LiteralExpressionSyntax literal when literal.Token.Value is string text:
                        configuredNames.Add(text);
                        break;
                    case InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } nameOf
                        when nameOf.ArgumentList.Arguments.Count == 1:
                        var named = nameOf.ArgumentList.Arguments[0].Expression;
                        configuredNames.Add(named is MemberAccessExpressionSyntax qualified ? qualified.Name.Identifier.ValueText : named.ToString());
                        break;
                }
            }
        }

        /// <summary><c>HasDbFunction(() =&gt; F(default))</c>, <c>HasDbFunction(typeof(X).GetMethod(nameof(F)))</c>, a method group.</summary>
        private void RecordDbFunction(IInvocationOperation invocation)
        {
            var resolved = false;
            foreach (var operation in ExplicitArguments(invocation).SelectMany(a => a.Value.DescendantsAndSelf()))
            {
                switch (operation)
                {
                    case IInvocationOperation call when call.TargetMethod.Name is not "GetMethod" and not "GetRuntimeMethod":
                        DbFunctions.Add(call.TargetMethod.OriginalDefinition);
                        resolved = true;
                        break;
                    case IMethodReferenceOperation reference:
                        DbFunctions.Add(reference.Method.OriginalDefinition);
                        resolved = true;
                        break;
                    case { ConstantValue: { HasValue: true, Value: string name } }:
                        DbFunctionNames.Add(name);
                        resolved = true;
                        break;
                }
            }

            UnresolvedDbFunctions |= !resolved;
        }

        /// <summary>
        /// Set&lt;T&gt;() / Entity&lt;T&gt;() whose T (bound as a type only, which binds no statement) is already a known entity type;
        /// with <paramref name="allowArguments"/>, also when the call has arguments.
        /// </summary>
        private bool KnownTypeArgument(InvocationExpressionSyntax invocation, SemanticModel model, bool allowArguments)
        {
            var generic = invocation.Expression switch
            {
                MemberAccessExpressionSyntax { Name: GenericNameSyntax g } => g,
                GenericNameSyntax g => g,
                _ => null,
            };
            if (generic is null || generic.TypeArgumentList.Arguments.Count != 1 || (!allowArguments && invocation.ArgumentList.Arguments.Count != 0))
            {
                return false;
            }

            var type = model.GetSpeculativeTypeInfo(generic.TypeArgumentList.Arguments[0].SpanStart, generic.TypeArgumentList.Arguments[0], SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
            return type is not null && EntityTypes.Contains(type.OriginalDefinition);
        }

        /// <summary>OwnsOne/OwnsMany/ComplexProperty/ComplexCollection: the owner, the navigation and the owned type, recorded once.</summary>
        private void RecordOwned(IInvocationOperation operation, InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken, bool complex)
        {
            var method = operation.TargetMethod;
            AddConfiguredEntity(complex ? ComplexOwners : OwnedOwners, operation, onAll: null);

            var navigations = complex ? ComplexNavigations : OwnedNavigations;
            if (LambdaProperty(operation) is { } owned)
            {
                navigations.Add(owned.OriginalDefinition);
            }
            else if (method.ReturnType is INamedTypeSymbol builder && builder.TypeArguments.Length >= 1
                     && LastStringArgument(invocation, model, cancellationToken) is { } navigationName)
            {
                OwnedByName.Add((builder.TypeArguments[0].OriginalDefinition, navigationName));
            }

            if (method.IsGenericMethod && method.TypeArguments.Length >= 1 && method.TypeArguments[method.TypeArguments.Length - 1] is INamedTypeSymbol ownedType
                && ownedType.TypeKind == TypeKind.Class)
            {
                (complex ? ComplexTypes : OwnedTypes).Add(ownedType.OriginalDefinition);
            }
        }

        /// <summary>HasKey, HasNoKey, HasData, HasIndex, HasAlternateKey, Ignore on an EntityTypeBuilder&lt;T&gt;.</summary>
        private void RecordEntityShape(string name, IInvocationOperation operation)
        {
            var entity = BuilderEntity(operation.Instance?.Type);
            if (entity is null or ITypeParameterSymbol)
            {
                if (name is "HasIndex" or "HasAlternateKey" or "HasKey"
                    && (entity is ITypeParameterSymbol || operation.Instance?.Type is INamedTypeSymbol { Name: "EntityTypeBuilder", IsGenericType: false }))
                {
                    UnreadIndexesOnAll = true; // Entity(clrType).HasIndex(..), a generic helper's HasIndex: on entities we cannot name
                }

                return;
            }

            if (name is "HasIndex" or "HasAlternateKey" or "HasKey" && PropertiesOf(operation, entity).IsEmpty)
            {
                UnreadIndexes.Add(entity);
            }

            switch (name)
            {
                case "HasData":
                    Seeded.Add(entity);
                    break;
                case "HasNoKey":
                    Keyless.Add(entity);
                    break;
                case "HasKey":
                    Keys[entity] = PropertiesOf(operation, entity);
                    break;
                case "HasAlternateKey":
                    if (PropertiesOf(operation, entity) is { IsEmpty: false } alternate)
                    {
                        Indexes.Add(new ModelIndex(entity, alternate, isUnique: true, isAlternateKey: true));
                    }

                    break;
                case "HasIndex":
                    if (PropertiesOf(operation, entity) is { IsEmpty: false } columns)
                    {
                        Indexes.Add(new ModelIndex(entity, columns, IsMadeUnique(operation), isAlternateKey: false));
                    }

                    break;
                case "Ignore":
                    if (PropertiesOf(operation, entity) is { Length: 1 } ignored)
                    {
                        Ignored.Add(ignored[0]);
                    }

                    break;
            }
        }

        /// <summary><c>HasIndex(..).IsUnique()</c> (not <c>IsUnique(false)</c>), possibly with other calls in between.</summary>
        private static bool IsMadeUnique(IInvocationOperation hasIndex)
        {
            for (var parent = hasIndex.Parent; parent is IInvocationOperation or IConversionOperation or IArgumentOperation; parent = parent.Parent)
            {
                // An extension call on the builder (.HasDatabaseName(..), .HasFilter(..)) takes it as its 'this' argument.
                if (parent is IArgumentOperation argument
                    && !(argument.Parameter?.Ordinal == 0 && argument.Parent is IInvocationOperation { TargetMethod.IsExtensionMethod: true }))
                {
                    return false;
                }

                if (parent is IInvocationOperation { TargetMethod.Name: "IsUnique" } unique)
                {
                    return !(unique.Arguments.Length > 0 && unique.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false });
                }
            }

            return false;
        }

        /// <summary>
        /// The properties a key/index/Ignore call names: <c>x =&gt; x.P</c>, <c>x =&gt; new { x.A, x.B }</c>, <c>"P"</c>,
        /// <c>nameof(X.P)</c>, <c>"A", "B"</c>; empty when one of them cannot be read.
        /// </summary>
        internal static ImmutableArray<IPropertySymbol> PropertiesOf(IInvocationOperation invocation, ITypeSymbol entity)
        {
            // The columns are the first argument (HasIndex(x => x.A, "IX_Name") and HasIndex(new[] { "A" }, "IX_Name") name the index after them).
            var first = ExplicitArguments(invocation).FirstOrDefault()?.Value.WalkDownConversions();
            if (first is null)
            {
                return ImmutableArray<IPropertySymbol>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<IPropertySymbol>();
            if (first.AsLambda() is { } lambda)
            {
                var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                if (returned.Count != 1)
                {
                    return ImmutableArray<IPropertySymbol>.Empty;
                }

                switch (returned[0].WalkDownConversions())
                {
                    case IPropertyReferenceOperation property:
                        builder.Add(property.Property);
                        break;
                    case IAnonymousObjectCreationOperation anonymous:
                        foreach (var initializer in anonymous.Initializers)
                        {
                            if (initializer is ISimpleAssignmentOperation { Value: var member } && member.WalkDownConversions() is IPropertyReferenceOperation column)
                            {
                                builder.Add(column.Property);
                            }
                            else
                            {
                                return ImmutableArray<IPropertySymbol>.Empty;
                            }
                        }

                        break;
                    default:
                        return ImmutableArray<IPropertySymbol>.Empty;
                }

                return builder.ToImmutable();
            }

            var names = first is IArrayCreationOperation { Initializer.ElementValues: var elements } ? elements : ImmutableArray.Create(first);
            foreach (var element in names)
            {
                if (element.ConstantValue is { HasValue: true, Value: string name } && EfModel.FindProperty(entity, name) is { } named)
                {
                    builder.Add(named);
                }
                else
                {
                    return ImmutableArray<IPropertySymbol>.Empty;
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>The arguments written in the call (without an extension method's <c>this</c>).</summary>
        internal static IEnumerable<IArgumentOperation> ExplicitArguments(IInvocationOperation invocation)
            => invocation.TargetMethod.IsExtensionMethod && invocation.Instance is null ? invocation.Arguments.Skip(1) : invocation.Arguments;

        /// <summary><c>builder.Property(x =&gt; x.P)</c> (possibly with calls chained after it) -> P.</summary>
        private static IPropertySymbol? ConfiguredProperty(IOperation? receiver)
        {
            for (var depth = 0; depth < 8 && receiver?.WalkDownConversions() is IInvocationOperation call; depth++)
            {
                if (call.TargetMethod.Name == "Property" && call.Arguments.Length == 1 && call.Arguments[0].Value.AsLambda() is { } lambda)
                {
                    var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                    return returned.Count == 1 && returned[0].WalkDownConversions() is IPropertyReferenceOperation property
                        ? (IPropertySymbol)property.Property.OriginalDefinition
                        : null;
                }

                receiver = call.Instance;
            }

            return null;
        }

        /// <summary>EntityTypeBuilder&lt;T&gt; -> T.</summary>
        private static ITypeSymbol? BuilderEntity(ITypeSymbol? builderType)
        {
            for (var t = builderType as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (t.Name == "EntityTypeBuilder" && t.IsGenericType && t.TypeArguments.Length == 1 && EfSymbols.IsInEfNamespace(t))
                {
                    return t.TypeArguments[0].OriginalDefinition;
                }
            }

            return null;
        }

        /// <summary>Records the entity a fluent call configures: the T of the nearest EntityTypeBuilder&lt;T&gt; receiver.</summary>
        private static void AddConfiguredEntity(HashSet<ITypeSymbol> set, IInvocationOperation invocation, Action? onAll)
        {
            for (IOperation? current = invocation; current is not null;)
            {
                var receiver = current is IInvocationOperation call ? call.GetReceiverOrThisArgument() : null;
                if (receiver is null)
                {
                    break;
                }

                for (var type = receiver.Type as INamedTypeSymbol; type is not null; type = type.BaseType)
                {
                    if (type.Name == "EntityTypeBuilder" && EfSymbols.IsInEfNamespace(type))
                    {
                        if (type.IsGenericType && type.TypeArguments.Length == 1)
                        {
                            set.Add(type.TypeArguments[0].OriginalDefinition);
                            return;
                        }

                        // modelBuilder.Entity(clrType) or a loop over the model: applies to entities we cannot name.
                        onAll?.Invoke();
                        return;
                    }
                }

                current = receiver.WalkDownConversions();
                if (current is not IInvocationOperation && current.Type?.Name.EndsWith("Builder", StringComparison.Ordinal) == true
                    && current.Type.Name != "EntityTypeBuilder")
                {
                    // An owned-navigation/complex-property builder parameter: the owner is recorded by OwnsOne/OwnsMany.
                    return;
                }
            }

            // IMutableEntityType.SetQueryFilter(...) in a loop over modelBuilder.Model.GetEntityTypes(), and the like.
            onAll?.Invoke();
        }

        /// <summary><c>ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking</c>: for the context whose ChangeTracker it is.</summary>
        private void VisitAssignment(AssignmentExpressionSyntax assignment, SemanticModel model, CancellationToken cancellationToken)
        {
            if (assignment.Left is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "QueryTrackingBehavior" } target
                || model.GetSymbolInfo(target, cancellationToken).Symbol is not IPropertySymbol { ContainingType: { Name: "ChangeTracker" } tracker }
                || !EfSymbols.IsInEfNamespace(tracker)
                || model.GetConstantValue(assignment.Right, cancellationToken) is { HasValue: true, Value: int tracking } && tracking == 0)
            {
                return;
            }

            // this.ChangeTracker / ChangeTracker inside the context, or db.ChangeTracker: the context's type.
            ITypeSymbol? context = target.Expression switch
            {
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ChangeTracker" } access => model.GetTypeInfo(access.Expression, cancellationToken).Type,
                IdentifierNameSyntax { Identifier.ValueText: "ChangeTracker" } => model.GetEnclosingSymbol(assignment.SpanStart, cancellationToken)?.ContainingType,
                _ => null,
            };
            if (context is not null && _ef.IsDbContext(context) && !SymbolEqualityComparer.Default.Equals(context.OriginalDefinition, _ef.DbContext))
            {
                NoTrackingContexts.Add(context.OriginalDefinition);
            }
            else
            {
                NoTrackingUnattributed = true;
            }
        }

        private IEnumerable<ITypeSymbol> RegisteredContexts(IMethodSymbol method)
        {
            if (method.IsGenericMethod)
            {
                foreach (var argument in method.TypeArguments)
                {
                    if (_ef.IsDbContext(argument))
                    {
                        yield return argument;
                    }
                }
            }
        }

        /// <summary><c>DbContextOptionsBuilder</c> or <c>DbContextOptionsBuilder&lt;T&gt;</c> (EF Core's options builder).</summary>
        private static bool IsOptionsBuilder(ITypeSymbol type)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (t.Name == "DbContextOptionsBuilder" && EfSymbols.IsInEfNamespace(t))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Attributes a configuration call to the context it configures: OnConfiguring's class, AddDbContext&lt;T&gt;'s T, DbContextOptionsBuilder&lt;T&gt;.</summary>
        private void AddForContext(InvocationExpressionSyntax invocation, SemanticModel model, HashSet<ITypeSymbol> target, ref bool unattributed, CancellationToken cancellationToken)
        {
            var added = false;
            for (SyntaxNode? node = invocation.Parent; node is not null; node = node.Parent)
            {
                if (node is MethodDeclarationSyntax { Identifier.ValueText: "OnConfiguring" } onConfiguring
                    && model.GetDeclaredSymbol(onConfiguring, cancellationToken)?.ContainingType is { } owner && _ef.IsDbContext(owner))
                {
                    target.Add(owner.OriginalDefinition);
                    added = true;
                    break;
                }

                if (node is InvocationExpressionSyntax outer && node != invocation
                    && model.GetSymbolInfo(outer, cancellationToken).Symbol is IMethodSymbol outerMethod
                    && RegistrationMethods.Contains(outerMethod.Name))
                {
                    foreach (var context in RegisteredContexts(outerMethod))
                    {
                        target.Add(context.OriginalDefinition);
                        added = true;
                    }

                    if (added)
                    {
                        break;
                    }
                }

                if (node is MemberDeclarationSyntax)
                {
                    break;
                }
            }

            if (!added)
            {
                // new DbContextOptionsBuilder<T>().UseLazyLoadingProxies(): the builder's T.
                var receiver = (invocation.Expression as MemberAccessExpressionSyntax)?.Expression;
                if (receiver is not null && model.GetTypeInfo(receiver, cancellationToken).Type is INamedTypeSymbol builder
                    && builder.Name == "DbContextOptionsBuilder" && builder.TypeArguments.Length == 1 && _ef.IsDbContext(builder.TypeArguments[0]))
                {
                    target.Add(builder.TypeArguments[0].OriginalDefinition);
                    added = true;
                }
            }

            if (!added)
            {
                unattributed = true;
            }
        }

        private static string? LastStringArgument(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            string? result = null;
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (model.GetConstantValue(argument.Expression, cancellationToken) is { HasValue: true, Value: string value })
                {
                    result = value;
                }
            }

            return result;
        }

        private static bool IsFalseArgument(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
            => invocation.ArgumentList.Arguments.Count >= 1
               && model.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression, cancellationToken) is { HasValue: true, Value: false };

        /// <summary>The property of <c>x =&gt; x.Nav</c> passed as the first lambda argument (casts allowed).</summary>
        private static IPropertySymbol? LambdaProperty(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Value.AsLambda() is { } lambda)
                {
                    var returned = SourceBodies.ReturnedValues(lambda.Body).ToList();
                    return returned.Count == 1 && returned[0].WalkDownConversions() is IPropertyReferenceOperation property ? property.Property : null;
                }

                if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter?.IsThis == true)
                {
                    continue;
                }

                return null;
            }

            return null;
        }

        internal sealed class TypeNameComparer : IEqualityComparer<(ITypeSymbol Type, string Name)>
        {
            public bool Equals((ITypeSymbol Type, string Name) x, (ITypeSymbol Type, string Name) y)
                => x.Name == y.Name && SymbolEqualityComparer.Default.Equals(x.Type, y.Type);

            public int GetHashCode((ITypeSymbol Type, string Name) obj)
                => obj.Name.GetHashCode() ^ SymbolEqualityComparer.Default.GetHashCode(obj.Type);
        }
    }
}
