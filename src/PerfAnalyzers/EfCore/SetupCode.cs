using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PerfAnalyzers.Options;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Whether code is setup code: it runs once, at start-up, installation or provisioning, over a handful of rows, so a
    /// round trip per seed item or a blocking call there costs nothing worth changing. One answer for every rule that stays quiet
    /// there (<see cref="RuleOptions.ReportSeedingCode"/> lists them), reported anyway with the option <see cref="RuleOptions.ReportSeedingCode"/>.
    /// <para>Setup code is, in this order:</para>
    /// <list type="number">
    /// <item>a method, local function, lambda or type whose name says so: containing <c>Seed</c> (<c>SeedAsync</c>,
    /// <c>DataSeeder</c>), or starting with the word <c>Migrate</c>/<c>Migrator</c>/<c>Migration</c>,
    /// <c>Install</c>/<c>Installer</c>/<c>Installation</c>, <c>Uninstall</c> (a module's or plug-in's removal runs once, as its
    /// installation does), <c>Provision</c>/<c>Provisioner</c>/<c>Provisioning</c> (<c>InstallAsync</c>, not <c>Installments</c>), or a <c>DbInitializer</c>/<c>DatabaseInitializer</c>/<c>DataInitializer</c>
    /// type; a type implementing an interface named that way (<c>IDataSeeder</c>, <c>IDataSeedContributor</c>,
    /// <c>IInstaller</c>) or <c>IStartupTask</c>; a version's upgrade step (<c>Upgrade_3_3_0</c>, <c>UpgradeTo310</c>) or a
    /// type named <c>*Upgrader</c>/<c>*UpgradeManager</c> (data migrations run once per upgrade; <c>UpgradePlan</c> is not);</item>
    /// <item>a method, lambda or local function that creates or migrates the database (calls <c>Database.EnsureCreated(Async)</c>
    /// or <c>Database.Migrate(Async)</c>), wherever a callback is registered;</item>
    /// <item>the program's entry point (<c>Main</c>, top-level statements), <c>Startup.Configure</c>,
    /// <c>IHostedService.StartAsync</c> (and <c>IHostedLifecycleService.StartingAsync/StartedAsync</c>), and a method taking
    /// the application's builder (<c>IApplicationBuilder</c>, <c>WebApplication</c>, <c>IEndpointRouteBuilder</c>, <c>IHost</c>,
    /// <c>IHostBuilder</c>, <c>IServiceCollection</c>...: <c>app.UpdateCertificate()</c>, a module's
    /// <c>PostInitialize(IApplicationBuilder)</c>): not lambdas or local
    /// functions inside them, which are request handlers and callbacks (<c>app.MapGet("/", () => ...)</c>);</item>
    /// <item>a source method reachable only from setup code: every reference to it is in setup code, followed up to
    /// <see cref="MaxLevels"/> calls down from the methods above (and from a local function that creates or migrates the
    /// database: TeslaSolarCharger's <c>DoStartupStuff</c> in its top-level statements). A call is followed when it is direct,
    /// or when it calls a source interface or abstract method whose implementations in source are exactly one method that
    /// nothing overrides (<see cref="RoundTripSummaries.ResolveTarget(IMethodSymbol)"/>, the answer the round-trip summaries use:
    /// <c>GetRequiredService&lt;IConfigJsonService&gt;().ConvertOldCarsToNewCar()</c> runs <c>ConfigJsonService.ConvertOldCarsToNewCar</c>);
    /// that implementation is accepted as a direct callee is, when every reference is a direct call in setup code: every
    /// occurrence of the method's name, so a call of the interface method from a controller rules it out. Two
    /// implementations are not followed (which one runs is not known), nor a virtual method with a body. A name in
    /// <c>nameof</c> is no reference. One bounded look per compilation, on first need.</item>
    /// </list>
    /// </summary>
    internal sealed class SetupCode
    {
        /// <summary>The .editorconfig option (per rule, or global) that reports setup code anyway.</summary>
        public static string ReportOptionName => RuleOptions.ReportSeedingCode.Name;

        /// <summary>Calls followed down from a setup method when looking for methods only it reaches.</summary>
        internal const int MaxLevels = 3;

        /// <summary>Setup methods whose bodies are read for the reachability look.</summary>
        internal const int MaxRootBodies = 64;

        /// <summary>Methods considered for "reachable only from setup code".</summary>
        internal const int MaxCandidates = 256;

        /// <summary>Occurrences of a candidate's name in source; a method whose name occurs more often is not setup code.</summary>
        internal const int MaxReferencesPerCandidate = 8;

        private static readonly string[] WordPrefixes =
        {
            "Migrate", "Migrator", "Migration", "Install", "Installer", "Installation", "Provision", "Provisioner", "Provisioning",
            "Uninstall", "Uninstaller", "Uninstallation",
        };

        private static readonly string[] TypeSuffixes = { "Installer", "Migrator", "Provisioner" };

        /// <summary>Types that run an application's upgrade steps (Oqtane's <c>UpgradeManager</c>), the name alone or as the last words.</summary>
        private static readonly string[] UpgradeTypeSuffixes = { "Upgrader", "UpgradeManager" };

        private static readonly ImmutableHashSet<string> InitializerTypes = ImmutableHashSet.Create(
            StringComparer.Ordinal, "DbInitializer", "DatabaseInitializer", "DataInitializer", "DbContextInitializer", "IDbInitializer", "IDatabaseInitializer");

        private static readonly ImmutableHashSet<string> DatabaseCreationMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal, "EnsureCreated", "EnsureCreatedAsync", "Migrate", "MigrateAsync");

        private readonly EfCompilation _ef;
        private readonly ConcurrentDictionary<SyntaxNode, bool> _callbackCache = new ConcurrentDictionary<SyntaxNode, bool>();
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _rootCache = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _byCallersCache = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly INamedTypeSymbol? _hostedService;
        private readonly INamedTypeSymbol? _hostedLifecycleService;
        private readonly Lazy<IMethodSymbol?> _entryPoint;
        private readonly INamedTypeSymbol? _migration;
        private readonly INamedTypeSymbol? _modelSnapshot;
        private readonly Lazy<ImmutableHashSet<IMethodSymbol>> _reachable;
        private readonly ImmutableHashSet<INamedTypeSymbol> _applicationBuilders;

        public SetupCode(EfCompilation ef)
        {
            _ef = ef;
            _applicationBuilders = ApplicationBuilderTypes
                .Select(ef.Symbols.Compilation.GetTypeByMetadataName)
                .OfType<INamedTypeSymbol>()
                .ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            _hostedService = ef.Symbols.Compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService");
            _hostedLifecycleService = ef.Symbols.Compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedLifecycleService");
            _entryPoint = new Lazy<IMethodSymbol?>(() => ef.Symbols.Compilation.GetEntryPoint(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
            _reachable = new Lazy<ImmutableHashSet<IMethodSymbol>>(() => ComputeReachable(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
            _migration = ef.Symbols.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Migrations.Migration");
            _modelSnapshot = ef.Symbols.Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Infrastructure.ModelSnapshot");
        }

        /// <summary>
        /// A member of a migration or of the model snapshot (a type deriving from EF Core's <c>Migration</c> or
        /// <c>ModelSnapshot</c>, or nested in one): schema code written against <c>MigrationBuilder</c>/<c>ModelBuilder</c>,
        /// with no context, query or entity instance in it. Decided from the symbol alone, before anything in the body is
        /// looked at: the rules that collect a whole body's reads skip these bodies, which are most of the code of a project
        /// with a long migration history (issue 14).
        /// </summary>
        public bool IsMigrationMember(ISymbol? symbol)
        {
            if (_migration is null && _modelSnapshot is null)
            {
                return false;
            }

            for (var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType; type is not null; type = type.ContainingType)
            {
                if (EfSymbols.InheritsFrom(type, _migration) || EfSymbols.InheritsFrom(type, _modelSnapshot))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The layer's one answer: is <paramref name="operation"/> setup code (see <see cref="SetupCode"/>)?</summary>
        public static bool IsSetupCode(EfCompilation ef, IOperation operation, CancellationToken cancellationToken = default)
            => ef.Setup.IsSetupCode(operation, cancellationToken);

        /// <summary>
        /// Whether rule <paramref name="ruleId"/> stays silent at <paramref name="operation"/> because it is setup code
        /// (<see cref="IsSetupCode(EfCompilation, IOperation, CancellationToken)"/>) and the user did not ask to report setup
        /// code anyway (<c>dotnet_code_quality.&lt;ruleId&gt;.report_seeding_code = true</c>, or the global
        /// <c>dotnet_code_quality.report_seeding_code</c>). The option is read first: it costs less than the question.
        /// </summary>
        public static bool SilencesRule(EfCompilation ef, AnalyzerOptions options, IOperation operation, string ruleId, CancellationToken cancellationToken)
            => !RuleOptions.ReportSeedingCode.Read(options, operation.Syntax.SyntaxTree, ruleId) && IsSetupCode(ef, operation, cancellationToken);

        public bool IsSetupCode(IOperation operation, CancellationToken cancellationToken = default)
        {
            var model = operation.SemanticModel;
            if (model is null)
            {
                return false;
            }

            // Names first (cheap): the function the code is in, the functions around it, their types.
            var enclosing = model.GetEnclosingSymbol(operation.Syntax.SpanStart, cancellationToken);
            for (var symbol = enclosing; symbol is not null && symbol is not INamespaceSymbol; symbol = symbol.ContainingSymbol)
            {
                if (HasSetupName(symbol) || symbol is INamedTypeSymbol type && ImplementsSetupInterface(type))
                {
                    return true;
                }
            }

            // Rule 2 for a callback: a lambda or local function that migrates or creates the database is start-up code
            // wherever it is registered (smtp4dev migrates and repairs its data in an AddDbContext options callback).
            if (InCallbackThatCreatesDatabase(operation))
            {
                return true;
            }

            // The member itself, when the code runs as part of it (not in a callback it only registers).
            var member = ContainingMember(operation, enclosing);
            if (member is null)
            {
                return false;
            }

            return IsSetupMember(member, cancellationToken);
        }

        /// <summary>Rules 1 to 6 for a method (the code runs as part of its body).</summary>
        private bool IsSetupMember(IMethodSymbol member, CancellationToken cancellationToken)
            => IsSetupMember(member.OriginalDefinition, MaxLevels, cached: true, cancellationToken);

        private bool IsSetupMember(IMethodSymbol member, int levels, bool cached, CancellationToken cancellationToken)
        {
            if (IsSetupRoot(member, cancellationToken) || GetReachable(cancellationToken).Contains(member))
            {
                return true;
            }

            return cached
                ? _byCallersCache.GetOrAdd(member, m => IsSetupByCallers(m, levels, cancellationToken))
                : IsSetupByCallers(member, levels, cancellationToken);
        }

        /// <summary>
        /// Rules 5 and 6, from the callers back (the bounded look goes forward from the roots and stops at its caps): a
        /// private method whose every use in its type is a direct call from setup code (<c>UpdateTemplates</c> called only
        /// by a registration handler's <c>ExecuteAsync</c>), and a request handler whose request is created only in setup
        /// code (<c>_commandExecutor.ExecuteAsync(new RegisterPageTemplatesCommand())</c> in an installation step runs
        /// <c>RegisterPageTemplatesCommandHandler.ExecuteAsync</c> at start-up). Up to <paramref name="levels"/> callers
        /// back; only the top question is cached, so the answer does not depend on which rule asked first.
        /// </summary>
        private bool IsSetupByCallers(IMethodSymbol method, int levels, CancellationToken cancellationToken)
        {
            if (levels <= 0)
            {
                return false;
            }

            if (method.DeclaredAccessibility == Accessibility.Private && method.MethodKind == MethodKind.Ordinary
                && method.ContainingType is { } type)
            {
                return AllUsesAreSetupCalls(type.DeclaringSyntaxReferences.Select(r => r.SyntaxTree).Distinct(), method.Name,
                    skipIn: null, requireCreation: false, levels, cancellationToken);
            }

            var dispatch = _ef.Symbols.SourceTypes.Dispatch;
            if (dispatch.HasHandlers && dispatch.RequestOf(method) is { } request)
            {
                return AllUsesAreSetupCalls(_ef.Symbols.Compilation.SyntaxTrees.Where(t => TreeText.Mentions(t, request.Name, cancellationToken)),
                    request.Name, skipIn: request, requireCreation: true, levels, cancellationToken);
            }

            return false;
        }

        /// <summary>
        /// Every occurrence of <paramref name="name"/> in <paramref name="trees"/> (at most <see cref="MaxReferencesPerCandidate"/>,
        /// at least one) is a direct call (<paramref name="requireCreation"/>: a <c>new</c> of the request) in the body of a
        /// setup method, not in a lambda or local function; occurrences in documentation, in the request's own declaration
        /// and in the types that handle it (<paramref name="skipIn"/>) do not count.
        /// </summary>
        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "Declared symbols of the few methods that use one name, once per method asked (cached).")]
        private bool AllUsesAreSetupCalls(IEnumerable<SyntaxTree> trees, string name, INamedTypeSymbol? skipIn, bool requireCreation, int levels, CancellationToken cancellationToken)
        {
            var compilation = _ef.Symbols.Compilation;
            var dispatch = _ef.Symbols.SourceTypes.Dispatch;
            var uses = 0;
            foreach (var tree in trees)
            {
                SemanticModel? model = null;
                foreach (var simple in TreeText.SimpleNames(tree, name, cancellationToken))
                {
                    if (simple.IsPartOfStructuredTrivia())
                    {
                        continue;
                    }

                    model ??= compilation.GetSemanticModel(tree);
                    if (skipIn is not null && IsInDeclarationOrHandlerOf(model, simple, skipIn, dispatch, cancellationToken))
                    {
                        continue;
                    }

                    if (++uses > MaxReferencesPerCandidate)
                    {
                        return false;
                    }

                    SyntaxNode? use = requireCreation
                        ? (simple.Parent is QualifiedNameSyntax qualified && qualified.Right == simple ? (SyntaxNode)qualified : simple).Parent as ObjectCreationExpressionSyntax
                        : simple.Parent is MemberAccessExpressionSyntax access && access.Name == simple ? access.Parent : simple.Parent;
                    if (use is null || !requireCreation && (use is not InvocationExpressionSyntax invocation
                        || invocation.Expression != (simple.Parent is MemberAccessExpressionSyntax ? simple.Parent : simple)))
                    {
                        return false;
                    }

                    if (EnclosingMethod(model, use, cancellationToken) is not { } caller
                        || !IsSetupMember(caller.OriginalDefinition, levels - 1, cached: false, cancellationToken))
                    {
                        return false;
                    }
                }
            }

            return uses > 0;
        }

        /// <summary>The method whose body holds <paramref name="node"/> directly: null in a lambda, a local function or a field initializer.</summary>
        private static IMethodSymbol? EnclosingMethod(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                        return null;
                    case BaseMethodDeclarationSyntax:
                        return model.GetDeclaredSymbol(ancestor, cancellationToken) as IMethodSymbol;
                    case MemberDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        private static bool IsInDeclarationOrHandlerOf(SemanticModel model, SyntaxNode node, INamedTypeSymbol request, RequestDispatch dispatch, CancellationToken cancellationToken)
        {
            var declaration = node.FirstAncestorOrSelf<BaseTypeDeclarationSyntax>();
            if (declaration is null || model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
            {
                return false;
            }

            return SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, request.OriginalDefinition)
                   || dispatch.IsHandlerTypeOf(type, request);
        }

        /// <summary>
        /// The method whose body runs the operation when it is called: null inside a lambda or local function, except
        /// a lambda run once per element of a sequence right there (Select, ForEach).
        /// </summary>
        private IMethodSymbol? ContainingMember(IOperation operation, ISymbol? enclosing)
        {
            if (!RunsWithBody(operation))
            {
                return null;
            }

            var symbol = enclosing;
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            return symbol as IMethodSymbol;
        }

        /// <summary>A method that is setup code by itself (rules 1 to 3), cached per method.</summary>
        private bool IsSetupRoot(IMethodSymbol method, CancellationToken cancellationToken)
        {
            method = method.OriginalDefinition;
            if (_rootCache.TryGetValue(method, out var cached))
            {
                return cached;
            }

            var result = ComputeIsSetupRoot(method, cancellationToken);
            _rootCache.TryAdd(method, result);
            return result;
        }

        private bool ComputeIsSetupRoot(IMethodSymbol method, CancellationToken cancellationToken)
            => IsSetupRootBySymbol(method) || CreatesDatabase(method, cancellationToken);

        private static bool HasSetupName(ISymbol symbol)
        {
            var name = symbol.Name;
            if (name.Length == 0)
            {
                return false;
            }

            if (name.IndexOf("Seed", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }

            if (symbol is INamedTypeSymbol && InitializerTypes.Contains(name))
            {
                return true;
            }

            // "InstallAsync", "MigrateDatabase", "ProvisionSite", "DatabaseInstaller" (as the type's last word): the word, not
            // "Installments" or "Migrated".
            var start = symbol is INamedTypeSymbol { TypeKind: TypeKind.Interface } && name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]) ? 1 : 0;
            foreach (var prefix in WordPrefixes)
            {
                if (StartsWithWord(name, start, prefix))
                {
                    return true;
                }
            }

            // A version's upgrade step (Upgrade_3_3_0, UpgradeTo310, Upgrade310): data migrations the application runs once
            // when it is upgraded. Not the word alone: UpgradePlan or UpgradeSubscription are requests.
            if (symbol is IMethodSymbol && IsVersionUpgradeStep(name))
            {
                return true;
            }

            if (symbol is INamedTypeSymbol)
            {
                foreach (var suffix in UpgradeTypeSuffixes)
                {
                    if (name.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                foreach (var suffix in TypeSuffixes)
                {
                    if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsVersionUpgradeStep(string name)
        {
            if (!name.StartsWith("Upgrade", StringComparison.Ordinal))
            {
                return false;
            }

            var i = "Upgrade".Length;
            if (string.CompareOrdinal(name, i, "To", 0, 2) == 0)
            {
                i += 2;
            }

            while (i < name.Length && name[i] is '_' or 'V' or 'v')
            {
                i++;
            }

            return i < name.Length && char.IsDigit(name[i]);
        }

        private static bool StartsWithWord(string name, int start, string word)
            => name.Length >= start + word.Length
               && string.CompareOrdinal(name, start, word, 0, word.Length) == 0
               && (name.Length == start + word.Length || !char.IsLower(name[start + word.Length]));

        private static bool ImplementsSetupInterface(INamedTypeSymbol type)
        {
            if (type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct)
            {
                return false;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                if (@interface.Name == "IStartupTask" || HasSetupName(@interface))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsEntryPoint(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.Name == "<Main>$")
            {
                return true;
            }

            if (!method.IsStatic || method.Name != "Main")
            {
                return false;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var found = _entryPoint.Value;
            return found is null
                ? method.ContainingType?.Name == "Program"
                : SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, method);
        }

        private bool ImplementsHostedStart(IMethodSymbol method)
        {
            if (method.Name is not ("StartAsync" or "StartingAsync" or "StartedAsync") || method.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var service in new[] { _hostedService, _hostedLifecycleService })
            {
                if (service is null || !type.AllInterfaces.Contains(service, SymbolEqualityComparer.Default))
                {
                    continue;
                }

                foreach (var member in service.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The method calls <c>Database.EnsureCreated(Async)</c> or <c>Database.Migrate(Async)</c> (by name in syntax, then by symbol).</summary>
        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "Binds only the few calls named EnsureCreated/Migrate in one method, once per method (cached).")]
        private bool CreatesDatabase(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.DeclaringSyntaxReferences.Length != 1)
            {
                return false;
            }

            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            if (!_ef.Symbols.Compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                return false;
            }

            if (!TreeText.MentionsAnyIn(syntax.SyntaxTree, syntax.Span, DatabaseCreationWords, cancellationToken))
            {
                return false;
            }

            SemanticModel? model = null;
            foreach (var node in syntax.DescendantNodes())
            {
                if (node is InvocationExpressionSyntax invocation && DatabaseCreationMethods.Contains(invocation.InvokedName() ?? ""))
                {
                    model ??= _ef.Symbols.Compilation.GetSemanticModel(syntax.SyntaxTree);
                    if (IsDatabaseCreation(model.GetSymbolInfo(invocation, cancellationToken).Symbol as IMethodSymbol))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>Methods reachable only from setup code (rule 4), computed once per compilation.</summary>
        // Computed once, by the first thread that asks (the others wait for it instead of repeating a compilation-wide
        // pass that every rule starts at once; issue 14), without a token so a cancelled caller leaves nothing half-built.
        private ImmutableHashSet<IMethodSymbol> GetReachable(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return _reachable.Value;
        }

        /// <summary>
        /// One bounded look per compilation: the setup roots among the source methods (declared symbols, plus one syntax
        /// pass for EnsureCreated/Migrate calls, which also finds the local functions that make them), then up to
        /// <see cref="MaxLevels"/> levels of the source methods they call, each level accepted when one syntax pass over the
        /// trees finds every reference to it inside setup code.
        /// </summary>
        private ImmutableHashSet<IMethodSymbol> ComputeReachable(CancellationToken cancellationToken)
        {
            var compilation = _ef.Symbols.Compilation;
            var creatorFunctions = new List<LocalFunctionStatementSyntax>();
            var creators = DatabaseCreators(compilation, creatorFunctions, cancellationToken);
            var look = new Look(compilation, _ef.Summaries.ResolveTarget, cancellationToken);
            var frontier = new List<IMethodSymbol>();
            var namedRoots = new List<IMethodSymbol>();
            foreach (var method in SourceBodies.DeclaredMethods(compilation))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (method.MethodKind != MethodKind.Ordinary || !method.Locations.Any(l => l.IsInSource))
                {
                    continue;
                }

                if (method.IsAbstract)
                {
                    look.Callable.AddDispatched(method);
                    continue;
                }

                look.Callable.Add(method);
                var isRoot = IsSetupRootBySymbol(method) || creators.Contains(method);
                if (isRoot)
                {
                    look.Setup.Add(method);

                    // The strongest roots first: a method that creates or migrates the database (an install wizard's
                    // step, whatever its name), then the named and start-up ones, in source order.
                    if (creators.Contains(method))
                    {
                        frontier.Add(method);
                    }
                    else if (IsNamedOrStartupRoot(method))
                    {
                        namedRoots.Add(method);
                    }
                }
            }

            // A local function that creates or migrates the database (rule 2 for callbacks: TeslaSolarCharger's
            // DoStartupStuff in its top-level statements) is a root too, read before the methods; its direct calls are setup calls.
            if (creatorFunctions.Count > MaxRootBodies)
            {
                creatorFunctions.RemoveRange(MaxRootBodies, creatorFunctions.Count - MaxRootBodies);
            }

            look.SetupFunctions.UnionWith(creatorFunctions);
            frontier.AddRange(namedRoots);
            var methodRoots = MaxRootBodies - creatorFunctions.Count;
            if (frontier.Count > methodRoots)
            {
                frontier.RemoveRange(methodRoots, frontier.Count - methodRoots);
            }

            var result = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
            var budget = MaxCandidates;
            for (var level = 0; level < MaxLevels && (frontier.Count > 0 || level == 0 && creatorFunctions.Count > 0) && budget > 0; level++)
            {
                // Source methods the frontier calls in code that runs when it runs, not setup already. A large application
                // has more than the look reads: the frontier's methods are read in order until the candidates fill what is
                // left of the budget, and those are judged (before, the whole level was dropped, so an application with
                // many start-up roots lost even its database creators' helpers).
                look.StartLevel();
                if (level == 0)
                {
                    foreach (var function in creatorFunctions)
                    {
                        if (look.Candidates.Count >= budget)
                        {
                            break;
                        }

                        AddCalledCandidates(compilation, function, look, cancellationToken);
                    }
                }

                foreach (var method in frontier)
                {
                    if (look.Candidates.Count >= budget)
                    {
                        break;
                    }

                    AddCalledCandidates(compilation, method, look, cancellationToken);
                }

                if (look.Candidates.Count == 0)
                {
                    break;
                }

                budget -= look.Candidates.Count;

                var accepted = OnlyCalledFromSetup(compilation, look, cancellationToken);

                foreach (var method in accepted)
                {
                    look.Setup.Add(method);
                    result.Add(method);
                }

                frontier = accepted;
            }

            return result.ToImmutable();
        }

        /// <summary>The state of the bounded look: what is setup so far, the names it may bind, the level's candidates, and the names' occurrences.</summary>
        private sealed class Look
        {
            private readonly Compilation _compilation;
            private readonly CancellationToken _cancellationToken;
            private readonly Dictionary<string, List<SimpleNameSyntax>> _occurrences = new Dictionary<string, List<SimpleNameSyntax>>(StringComparer.Ordinal);

            public Look(Compilation compilation, Func<IMethodSymbol, IMethodSymbol?> implementationOf, CancellationToken cancellationToken)
            {
                _compilation = compilation;
                _cancellationToken = cancellationToken;
                Callable = new CallableNames(implementationOf, HasFewReferences);
            }

            /// <summary>The setup methods: the roots (all of them, not only those the look reads) and the methods accepted so far.</summary>
            public HashSet<IMethodSymbol> Setup { get; } = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            /// <summary>The local functions read as roots (their declarations: a local function's symbol is not the same object in two semantic models).</summary>
            public HashSet<SyntaxNode> SetupFunctions { get; } = new HashSet<SyntaxNode>();

            public CallableNames Callable { get; }

            /// <summary>The level's candidates.</summary>
            public HashSet<IMethodSymbol> Candidates { get; } = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            /// <summary>A candidate found as the one implementation of an interface or abstract method -> that method (the call's target).</summary>
            public Dictionary<IMethodSymbol, IMethodSymbol> Through { get; } = new Dictionary<IMethodSymbol, IMethodSymbol>(SymbolEqualityComparer.Default);

            public void StartLevel()
            {
                Candidates.Clear();
                Through.Clear();
            }

            /// <summary>The name its references are found by: an implementation found through an interface or abstract method is called by that method's name.</summary>
            public string ReferenceName(IMethodSymbol candidate) => Through.TryGetValue(candidate, out var through) ? through.Name : candidate.Name;

            /// <summary>
            /// The simple names in source that spell <paramref name="name"/> (not in <c>nameof</c>, which runs nothing), in the
            /// order of the trees, up to one more than <see cref="MaxReferencesPerCandidate"/>; from the text of each tree
            /// (<see cref="TreeText.SimpleNames"/>), not a walk of its nodes; once per name for the look.
            /// </summary>
            public List<SimpleNameSyntax> Occurrences(string name)
            {
                if (_occurrences.TryGetValue(name, out var list))
                {
                    return list;
                }

                list = new List<SimpleNameSyntax>();
                foreach (var tree in _compilation.SyntaxTrees)
                {
                    foreach (var simple in TreeText.SimpleNames(tree, name, _cancellationToken))
                    {
                        if (!IsNameOfArgument(simple))
                        {
                            list.Add(simple);
                        }

                        if (list.Count > MaxReferencesPerCandidate)
                        {
                            break;
                        }
                    }

                    if (list.Count > MaxReferencesPerCandidate)
                    {
                        break;
                    }
                }

                _occurrences[name] = list;
                return list;
            }

            /// <summary>The name occurs at most <see cref="MaxReferencesPerCandidate"/> times: a method called by it may be setup code.</summary>
            public bool HasFewReferences(string name) => Occurrences(name).Count <= MaxReferencesPerCandidate;
        }

        /// <summary>
        /// Adds to the level's candidates the source methods <paramref name="method"/> calls in code that runs when it
        /// runs (not in a local function, nor in a lambda other than a per-element one), not setup already, that only a
        /// direct call can reach, or that are the one implementation of the interface or abstract method called
        /// (<see cref="CandidateOf"/>). From syntax first (issue 14: binding the bodies of Oqtane's installation and upgrade
        /// managers was most of the look): only a call whose name is that of such a source method is bound, on its own
        /// (<c>GetSymbolInfo</c> binds the statement, not the body), and only one inside a lambda needs the body's
        /// operations to tell a per-element lambda. A body with calls that syntax does not show by name (a query
        /// expression's clauses, a collection initializer's <c>Add</c>, an interpolated string handler's <c>Append*</c>, when
        /// a source method has that name) is read from its operations as before.
        /// </summary>
        private void AddCalledCandidates(Compilation compilation, IMethodSymbol method, Look look, CancellationToken cancellationToken)
        {
            if (method.DeclaringSyntaxReferences.Length != 1 || method.IsAbstract)
            {
                return;
            }

            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            if (syntax is BaseMethodDeclarationSyntax declaration && compilation.ContainsSyntaxTree(syntax.SyntaxTree)
                && !HasImplicitCalls(BodyNodes(declaration.Body, declaration.ExpressionBody), look.Callable))
            {
                AddCalledCandidatesFromSyntax(compilation, declaration, BodyNodes(declaration.Body, declaration.ExpressionBody), look, cancellationToken);
                return;
            }

            if (SourceBodies.GetBody(compilation, method, cancellationToken) is { } body)
            {
                AddCalledCandidatesFromOperations(body, root: null, look);
            }
        }

        /// <summary>As for a method, for a local function read as a root: the calls in its own body.</summary>
        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "See ComputeReachable: the few local functions that create the database, once per compilation.")]
        private void AddCalledCandidates(Compilation compilation, LocalFunctionStatementSyntax function, Look look, CancellationToken cancellationToken)
        {
            if (!compilation.ContainsSyntaxTree(function.SyntaxTree))
            {
                return;
            }

            if (!HasImplicitCalls(BodyNodes(function.Body, function.ExpressionBody), look.Callable))
            {
                AddCalledCandidatesFromSyntax(compilation, function, BodyNodes(function.Body, function.ExpressionBody), look, cancellationToken);
                return;
            }

            if (compilation.GetSemanticModel(function.SyntaxTree).GetOperation(function, cancellationToken) is ILocalFunctionOperation operation)
            {
                AddCalledCandidatesFromOperations(operation, function, look);
            }
        }

        /// <summary>The calls of a body's operations (<paramref name="root"/>: the local function whose body it is, else null).</summary>
        private void AddCalledCandidatesFromOperations(IOperation body, SyntaxNode? root, Look look)
        {
            foreach (var op in body.Descendants())
            {
                if (op is IInvocationOperation invocation && RunsWithBody(invocation, root))
                {
                    AddCandidate(invocation.TargetMethod, look);
                }
            }
        }

        private void AddCalledCandidatesFromSyntax(Compilation compilation, SyntaxNode declaration, IEnumerable<SyntaxNode> bodyNodes, Look look, CancellationToken cancellationToken)
        {
            SemanticModel? model = null;
            foreach (var node in bodyNodes)
            {
                if (node is not InvocationExpressionSyntax call || call.InvokedName() is not { } name || !look.Callable.Contains(name)
                    || !look.Callable.MayAddCandidate(name, call.ArgumentList.Arguments.Count, look.Setup, look.Candidates))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                model ??= compilation.GetSemanticModel(declaration.SyntaxTree);
                switch (Context(call, declaration))
                {
                    case CallContext.Body:
                        if (model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol target)
                        {
                            AddCandidate(target.ReducedFrom ?? target, look);
                        }

                        break;
                    case CallContext.Lambda:
                        if (model.GetOperation(call, cancellationToken) is IInvocationOperation invocation && RunsWithBody(invocation, declaration))
                        {
                            AddCandidate(invocation.TargetMethod, look);
                        }

                        break;
                }
            }
        }

        private void AddCandidate(IMethodSymbol target, Look look)
        {
            if (CandidateOf(target, look, out var through) is { } candidate && look.Candidates.Add(candidate) && through is not null)
            {
                look.Through[candidate] = through;
            }
        }

        /// <summary>
        /// The source method a call of <paramref name="target"/> makes a candidate of the look: the target itself when only a
        /// direct call reaches it (<see cref="CanOnlyBeCalledDirectly"/>), or, for a source interface or abstract method
        /// (<paramref name="through"/>), its one implementation in source (<see cref="RoundTripSummaries.ResolveTarget(IMethodSymbol)"/>),
        /// when nothing overrides that (<c>GetRequiredService&lt;IConfigJsonService&gt;().ConvertOldCarsToNewCar()</c> runs
        /// <c>ConfigJsonService.ConvertOldCarsToNewCar</c>) and the method's name occurs at most
        /// <see cref="MaxReferencesPerCandidate"/> times (a repository's <c>GetSite</c> would be rejected for it anyway: it
        /// does not use the budget, and its calls are not bound). A virtual method with a body is not followed: its body or
        /// an override's may run.
        /// </summary>
        private IMethodSymbol? CandidateOf(IMethodSymbol target, Look look, out IMethodSymbol? through)
        {
            through = null;
            var setup = look.Setup;
            var called = target.OriginalDefinition;
            if (called.MethodKind != MethodKind.Ordinary || setup.Contains(called) || !called.Locations.Any(l => l.IsInSource))
            {
                return null;
            }

            if (!called.IsAbstract)
            {
                return CanOnlyBeCalledDirectly(called) ? called : null;
            }

            if (_ef.Summaries.ResolveTarget(called) is not { } implementation || setup.Contains(implementation) || !IsOnlyImplementation(implementation)
                || !look.HasFewReferences(called.Name))
            {
                return null;
            }

            through = called;
            return implementation;
        }

        /// <summary>
        /// An implementation (or override) in source with one body that nothing overrides: no method but it runs when its
        /// interface or abstract method is called on an object of its type.
        /// </summary>
        private bool IsOnlyImplementation(IMethodSymbol implementation)
            => implementation.MethodKind is MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation
               && implementation.DeclaringSyntaxReferences.Length == 1
               && implementation.Locations.Any(l => l.IsInSource)
               && !implementation.IsAbstract && !implementation.IsVirtual
               && (!implementation.IsOverride || implementation.IsSealed || _ef.Summaries.Implementations(implementation).IsEmpty);

        private static IEnumerable<SyntaxNode> BodyNodes(BlockSyntax? block, ArrowExpressionClauseSyntax? arrow)
        {
            var nodes = Enumerable.Empty<SyntaxNode>();
            if (block is not null)
            {
                nodes = nodes.Concat(block.DescendantNodes());
            }

            if (arrow is not null)
            {
                nodes = nodes.Concat(arrow.DescendantNodes());
            }

            return nodes;
        }

        /// <summary>The body has invocation operations that no invocation expression names, of a name a source method has.</summary>
        private static bool HasImplicitCalls(IEnumerable<SyntaxNode> bodyNodes, CallableNames callable)
        {
            var add = callable.ContainsDirect("Add");
            var append = callable.ContainsDirect("AppendLiteral") || callable.ContainsDirect("AppendFormatted");
            foreach (var node in bodyNodes)
            {
                switch (node)
                {
                    case QueryExpressionSyntax:
                    case InitializerExpressionSyntax initializer when add && initializer.IsKind(SyntaxKind.CollectionInitializerExpression):
                    case InterpolatedStringExpressionSyntax when append:
                        return true;
                }
            }

            return false;
        }

        private enum CallContext
        {
            Body,
            Lambda,
            LocalFunction,
        }

        /// <summary>Where a call is in the method it is written in: in its body, in a lambda, or in a local function (the innermost wins).</summary>
        private static CallContext Context(SyntaxNode call, SyntaxNode declaration)
        {
            for (var node = call.Parent; node is not null && node != declaration; node = node.Parent)
            {
                switch (node)
                {
                    case LocalFunctionStatementSyntax:
                        return CallContext.LocalFunction;
                    case AnonymousFunctionExpressionSyntax:
                        return CallContext.Lambda;
                }
            }

            return CallContext.Body;
        }

        /// <summary>
        /// The names of the source methods that only a direct call reaches (<see cref="CanOnlyBeCalledDirectly"/>), decided per
        /// name on first need, and of the source interface and abstract methods (a call of one may run its one implementation).
        /// </summary>
        private sealed class CallableNames
        {
            private readonly Dictionary<string, List<IMethodSymbol>> _methods = new Dictionary<string, List<IMethodSymbol>>(StringComparer.Ordinal);
            private readonly Dictionary<string, List<IMethodSymbol>> _direct = new Dictionary<string, List<IMethodSymbol>>(StringComparer.Ordinal);
            private readonly Dictionary<string, List<IMethodSymbol>> _dispatched = new Dictionary<string, List<IMethodSymbol>>(StringComparer.Ordinal);
            private readonly Func<IMethodSymbol, IMethodSymbol?> _implementationOf;
            private readonly Func<string, bool> _hasFewReferences;

            /// <param name="implementationOf">The one implementation in source of an interface or abstract method, or null.</param>
            /// <param name="hasFewReferences">Whether a name occurs few enough times for a method it calls to be setup code.</param>
            public CallableNames(Func<IMethodSymbol, IMethodSymbol?> implementationOf, Func<string, bool> hasFewReferences)
            {
                _implementationOf = implementationOf;
                _hasFewReferences = hasFewReferences;
            }

            public void Add(IMethodSymbol method) => AddTo(_methods, method);

            /// <summary>A source interface or abstract method.</summary>
            public void AddDispatched(IMethodSymbol method) => AddTo(_dispatched, method);

            public bool Contains(string name) => ContainsDirect(name) || _dispatched.ContainsKey(name);

            public bool ContainsDirect(string name) => Direct(name).Count > 0;

            /// <summary>
            /// Whether a call of <paramref name="name"/> with <paramref name="arguments"/> arguments can be bound to a method
            /// <see cref="CandidateOf"/> would add that is neither setup nor a candidate already (the method, or an interface
            /// or abstract method's one implementation, when the name occurs few enough times): a call that cannot is not
            /// bound (binding it could add nothing new).
            /// The arity test is loose where the call may pass a receiver as an argument (an extension method called as a
            /// static method, a member of an extension block) and open with <c>params</c>.
            /// </summary>
            public bool MayAddCandidate(string name, int arguments, HashSet<IMethodSymbol> setup, HashSet<IMethodSymbol> candidates)
            {
                foreach (var method in Direct(name))
                {
                    var target = method.OriginalDefinition;
                    if (target.MethodKind == MethodKind.Ordinary && !setup.Contains(target) && !candidates.Contains(target) && MayTake(target, arguments))
                    {
                        return true;
                    }
                }

                if (_dispatched.TryGetValue(name, out var dispatched) && _hasFewReferences(name))
                {
                    foreach (var method in dispatched)
                    {
                        if (!setup.Contains(method) && MayTake(method, arguments) && _implementationOf(method) is { } implementation
                            && !setup.Contains(implementation) && !candidates.Contains(implementation))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            private static void AddTo(Dictionary<string, List<IMethodSymbol>> byName, IMethodSymbol method)
            {
                if (!byName.TryGetValue(method.Name, out var list))
                {
                    byName[method.Name] = list = new List<IMethodSymbol>();
                }

                list.Add(method);
            }

            public static bool MayTake(IMethodSymbol method, int arguments)
            {
                var parameters = method.Parameters;
                var required = 0;
                foreach (var parameter in parameters)
                {
                    if (!parameter.IsOptional && !parameter.IsParams)
                    {
                        required++;
                    }
                }

                var open = parameters.Length > 0 && parameters[parameters.Length - 1].IsParams;
                var receiverMayBeArgument = method.IsExtensionMethod || method.ContainingType?.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface);
                var least = method.IsExtensionMethod ? required - 1 : required;
                var most = receiverMayBeArgument && !method.IsExtensionMethod ? parameters.Length + 1 : parameters.Length;
                return arguments >= least && (open || arguments <= most);
            }

            /// <summary>The source methods of this name that only a direct call reaches (<see cref="CanOnlyBeCalledDirectly"/>), decided on first need.</summary>
            private List<IMethodSymbol> Direct(string name)
            {
                if (!_direct.TryGetValue(name, out var direct))
                {
                    direct = _methods.TryGetValue(name, out var methods) ? methods.Where(CanOnlyBeCalledDirectly).ToList() : new List<IMethodSymbol>();
                    _direct[name] = direct;
                }

                return direct;
            }
        }

        /// <summary>The operation is inside a lambda or local function that migrates or creates the database (rule 2 for callbacks), cached per function.</summary>
        private bool InCallbackThatCreatesDatabase(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    var function = current;
                    if (_callbackCache.GetOrAdd(current.Syntax, _ => function.Descendants().Any(o => o is IInvocationOperation invocation
                            && DatabaseCreationMethods.Contains(invocation.TargetMethod.Name) && IsDatabaseCreation(invocation.TargetMethod))))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The code runs when its method runs: not inside a lambda other than a per-element one, nor a local function (other
        /// than <paramref name="root"/>, the local function whose body is read).
        /// </summary>
        private bool RunsWithBody(IOperation operation, SyntaxNode? root = null)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case ILocalFunctionOperation when root is not null && current.Syntax == root:
                        return true;
                    case IAnonymousFunctionOperation lambda when _ef.Loops.GetPerElementInvocation(lambda) is null:
                    case ILocalFunctionOperation:
                        return false;
                }
            }

            return true;
        }

        /// <summary>Rules 1 and 3 of <see cref="SetupCode"/> (no body read), and rule 2 when already cached.</summary>
        private bool IsSetupRootBySymbol(IMethodSymbol method)
        {
            if (_rootCache.TryGetValue(method, out var cached))
            {
                return cached;
            }

            return IsNamedOrStartupRoot(method) || InSetupNamespace(method) || BuildsTheApplication(method);
        }

        /// <summary>
        /// Rules 1 and 3 by the method's and its types' names and interfaces, and the program's start-up members: the roots
        /// the bounded look starts from. A type in a setup namespace and a method taking the application's builder are setup
        /// code too, but the look does not start from them: such roots are many (every <c>AddXyz(this IServiceCollection)</c>)
        /// and call shared code; their calls still count as setup calls, and their private helpers are setup code by their
        /// callers (<see cref="IsSetupByCallers"/>).
        /// </summary>
        private bool IsNamedOrStartupRoot(IMethodSymbol method)
        {
            for (ISymbol? symbol = method; symbol is not null && symbol is not INamespaceSymbol; symbol = symbol.ContainingSymbol)
            {
                if (HasSetupName(symbol) || symbol is INamedTypeSymbol type && ImplementsSetupInterface(type))
                {
                    return true;
                }
            }

            return IsEntryPoint(method, CancellationToken.None)
                   || method.Name is "Configure" or "ConfigureServices" && method.ContainingType?.Name == "Startup"
                   || ImplementsHostedStart(method);
        }

        /// <summary>
        /// Rule 1 for namespaces: a type declared directly in a namespace named as setup (<c>Cofoundry.Domain.Installation</c>,
        /// <c>MyApp.Data.Seeding</c>) is installation or seeding code.
        /// </summary>
        private static bool InSetupNamespace(IMethodSymbol method)
        {
            var type = method.ContainingType;
            while (type?.ContainingType is { } outer)
            {
                type = outer;
            }

            return type?.ContainingNamespace is { IsGlobalNamespace: false } ns && HasSetupName(ns);
        }

        /// <summary>
        /// The application's builders: the pipeline, the host, the endpoints and the service collection are built once, at
        /// start-up (<c>app.UpdateServerCertificateIfNeed(cert)</c>, a module's <c>PostInitialize(IApplicationBuilder app)</c>).
        /// </summary>
        private static readonly string[] ApplicationBuilderTypes =
        {
            "Microsoft.AspNetCore.Builder.IApplicationBuilder",
            "Microsoft.AspNetCore.Builder.WebApplication",
            "Microsoft.AspNetCore.Builder.WebApplicationBuilder",
            "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder",
            "Microsoft.Extensions.Hosting.IHost",
            "Microsoft.Extensions.Hosting.IHostBuilder",
            "Microsoft.Extensions.Hosting.IHostApplicationBuilder",
            "Microsoft.Extensions.DependencyInjection.IServiceCollection",
        };

        /// <summary>
        /// Rule 3 for the methods that build the application: a method taking the application, host, endpoint or
        /// service-collection builder runs while the application starts (its lambdas and local functions, the middleware
        /// and endpoint handlers it registers, are not part of it).
        /// </summary>
        private bool BuildsTheApplication(IMethodSymbol method)
            => _applicationBuilders.Count > 0
               && method.Parameters.Any(p => p.Type is INamedTypeSymbol type && _applicationBuilders.Contains(type.OriginalDefinition));

        /// <summary>Not virtual, abstract, an override or an interface implementation: no caller hides behind a base or an interface.</summary>
        private static bool CanOnlyBeCalledDirectly(IMethodSymbol method)
        {
            if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.ExplicitInterfaceImplementations.Length > 0
                || method.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static readonly string[] DatabaseCreationWords = { "EnsureCreated", "Migrate" };

        /// <summary>
        /// The source methods that call EnsureCreated(Async)/Migrate(Async) on a DatabaseFacade, and (into
        /// <paramref name="functions"/>) the local functions whose own body makes such a call: one syntax pass, binding only those calls.
        /// </summary>
        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "One syntax pass per compilation (cached by the caller); binds only calls named EnsureCreated/Migrate.")]
        private HashSet<IMethodSymbol> DatabaseCreators(Compilation compilation, List<LocalFunctionStatementSyntax> functions, CancellationToken cancellationToken)
        {
            var creators = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var tree in compilation.SyntaxTrees)
            {
                // A tree whose text names neither call has none of them: skipped without walking its nodes (issue 14: the
                // walk of every node of a 125,000-line migrations project cost seconds).
                if (!TreeText.MentionsAny(tree, DatabaseCreationWords, cancellationToken))
                {
                    continue;
                }

                SemanticModel? model = null;
                foreach (var invocation in CreationCalls(tree, cancellationToken))
                {
                    model ??= compilation.GetSemanticModel(tree);
                    if (IsDatabaseCreation(model.GetSymbolInfo(invocation, cancellationToken).Symbol as IMethodSymbol))
                    {
                        if (invocation.Ancestors().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax) is LocalFunctionStatementSyntax function
                            && !functions.Contains(function))
                        {
                            functions.Add(function);
                        }

                        var caller = model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken);
                        while (caller is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
                        {
                            caller = caller.ContainingSymbol;
                        }

                        if (caller is IMethodSymbol method)
                        {
                            creators.Add(method.OriginalDefinition);
                        }
                    }
                }
            }

            return creators;
        }

        /// <summary>
        /// The invocations named EnsureCreated(Async)/Migrate(Async) (<c>Name(..)</c> or <c>x.Name(..)</c>), found from the
        /// tree's text (<see cref="TreeText.SimpleNames"/>) rather than a walk of its nodes: a project with its own
        /// migrations names <c>Migration</c> in most of its files.
        /// </summary>
        private static IEnumerable<InvocationExpressionSyntax> CreationCalls(SyntaxTree tree, CancellationToken cancellationToken)
        {
            foreach (var name in DatabaseCreationMethods)
            {
                foreach (var simple in TreeText.SimpleNames(tree, name, cancellationToken))
                {
                    var call = simple.Parent is MemberAccessExpressionSyntax access && access.Name == simple ? access.Parent : simple.Parent;
                    if (call is InvocationExpressionSyntax invocation && invocation.Expression == (simple.Parent is MemberAccessExpressionSyntax ? simple.Parent : simple))
                    {
                        yield return invocation;
                    }
                }
            }
        }

        /// <summary>
        /// The candidates every source reference of which is a direct call from setup code (a method in the look's setup set
        /// or a local function it reads as a root). Each name's occurrences come from the text of the trees, once per name
        /// for the look (<see cref="Look.Occurrences"/>); a name found more than
        /// <see cref="MaxReferencesPerCandidate"/> times rules its methods out without binding anything; a direct call written
        /// in setup code needs no binding either (the candidate was found there); only the other occurrences of the name are
        /// bound, to see whether they may run the candidate: a reference to it, or, for an implementation found through an
        /// interface or abstract method (whose references are that method's name), to any interface or abstract method it
        /// implements or overrides (the same method called from a controller is not setup code). Once every candidate of a
        /// name is out, its other occurrences are not bound, nor is a call that no candidate left can take (by its number of
        /// arguments: <see cref="MayCallAny"/>). A name in <c>nameof</c> runs nothing.
        /// </summary>
        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "See ComputeReachable: occurrences from the text, bounded binding.")]
        private List<IMethodSymbol> OnlyCalledFromSetup(Compilation compilation, Look look, CancellationToken cancellationToken)
        {
            var candidates = look.Candidates;
            var byName = candidates.GroupBy(look.ReferenceName).ToDictionary(g => g.Key, g => g.ToList());
            var rejected = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var models = new Dictionary<SyntaxTree, SemanticModel>();
            foreach (var pair in byName)
            {
                var occurrences = look.Occurrences(pair.Key);
                if (occurrences.Count > MaxReferencesPerCandidate)
                {
                    rejected.UnionWith(pair.Value);
                    continue;
                }

                foreach (var simple in occurrences)
                {
                    // Once every candidate of the name is out, its other occurrences are not bound; nor is a call that no
                    // candidate left can take (binding an occurrence binds the whole member it is in).
                    if (pair.Value.All(rejected.Contains))
                    {
                        break;
                    }

                    if (!MayCallAny(simple, pair.Value, rejected))
                    {
                        continue;
                    }

                    if (!models.TryGetValue(simple.SyntaxTree, out var model))
                    {
                        models[simple.SyntaxTree] = model = compilation.GetSemanticModel(simple.SyntaxTree);
                    }

                    if (IsDirectCallFromSetup(model, simple, look, cancellationToken))
                    {
                        continue;
                    }

                    var info = model.GetSymbolInfo(simple, cancellationToken);
                    foreach (var symbol in info.Symbol is null ? info.CandidateSymbols : ImmutableArray.Create(info.Symbol))
                    {
                        if (symbol is IMethodSymbol method)
                        {
                            RejectWhatMayRun((method.ReducedFrom ?? method).OriginalDefinition, pair.Value, look, rejected);
                        }
                    }
                }
            }

            return candidates.Where(c => !rejected.Contains(c)).ToList();
        }

        /// <summary>
        /// Whether the occurrence of a candidate's name may refer to one of <paramref name="named"/> not rejected yet: any use
        /// that is not a call may (a method group, <c>nameof</c>); a call only if one of them can take its arguments
        /// (<see cref="CallableNames.MayTake"/>, loose where a receiver may be passed as an argument).
        /// </summary>
        private static bool MayCallAny(SimpleNameSyntax simple, List<IMethodSymbol> named, HashSet<IMethodSymbol> rejected)
        {
            var callee = simple.Parent is MemberAccessExpressionSyntax access && access.Name == simple ? access : (ExpressionSyntax)simple;
            if (callee.Parent is not InvocationExpressionSyntax call || call.Expression != callee)
            {
                return true;
            }

            var arguments = call.ArgumentList.Arguments.Count;
            return named.Exists(m => !rejected.Contains(m) && CallableNames.MayTake(m, arguments));
        }

        /// <summary>
        /// Rejects the candidates (of one reference name) that a reference to <paramref name="referenced"/> may run: the method
        /// itself, and a candidate found through an interface or abstract method when <paramref name="referenced"/> is an
        /// interface, abstract or virtual method whose implementations in source include it
        /// (<see cref="RoundTripSummaries.Implementations"/>: any interface it implements, also in a derived type, and the
        /// method it overrides).
        /// </summary>
        private void RejectWhatMayRun(IMethodSymbol referenced, List<IMethodSymbol> named, Look look, HashSet<IMethodSymbol> rejected)
        {
            ImmutableArray<IMethodSymbol>? implementations = null;
            foreach (var candidate in named)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate, referenced))
                {
                    rejected.Add(candidate);
                    continue;
                }

                if (!look.Through.ContainsKey(candidate) || !(referenced.IsAbstract || referenced.IsVirtual || referenced.IsOverride))
                {
                    continue;
                }

                implementations ??= _ef.Summaries.Implementations(referenced);
                if (implementations.Value.Contains(candidate, SymbolEqualityComparer.Default))
                {
                    rejected.Add(candidate);
                }
            }
        }

        /// <summary>The name is the argument of <c>nameof</c> (<c>nameof(Install)</c>, <c>nameof(Service.Install)</c>): a name that runs nothing.</summary>
        private static bool IsNameOfArgument(SimpleNameSyntax simple)
        {
            SyntaxNode node = simple;
            while (node.Parent is MemberAccessExpressionSyntax access && access.Name == node || node.Parent is QualifiedNameSyntax qualified && qualified.Right == node)
            {
                node = node.Parent;
            }

            return node.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } } };
        }

        /// <summary>
        /// The name is called directly (not a method group, not in a lambda or local function other than a root of the
        /// look) in the body of setup code: a method in the look's setup set or a local function it reads as a root. Decided
        /// from syntax and declared symbols, without binding the body.
        /// </summary>
        private static bool IsDirectCallFromSetup(SemanticModel model, SimpleNameSyntax simple, Look look, CancellationToken cancellationToken)
        {
            var call = simple.Parent is MemberAccessExpressionSyntax access && access.Name == simple ? access.Parent : simple.Parent;
            if (call is not InvocationExpressionSyntax invocation || invocation.Expression != (simple.Parent is MemberAccessExpressionSyntax ? simple.Parent : simple))
            {
                return false;
            }

            foreach (var ancestor in invocation.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax:
                        return false;
                    case LocalFunctionStatementSyntax:
                        return look.SetupFunctions.Contains(ancestor);
                    case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                        return model.GetDeclaredSymbol(ancestor, cancellationToken) is IMethodSymbol method && look.Setup.Contains(method.OriginalDefinition);
                    case GlobalStatementSyntax:
                        return model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken) is IMethodSymbol main && look.Setup.Contains(main.OriginalDefinition);
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        private bool IsDatabaseCreation(IMethodSymbol? target)
            => target is not null
               && (_ef.Symbols.IsDatabaseFacade(target.ContainingType)
                   || target.IsExtensionMethod && EfSymbols.IsInEfNamespace(target) && _ef.Symbols.IsDatabaseFacade((target.ReducedFrom ?? target).Parameters.FirstOrDefault()?.Type));
    }
}
