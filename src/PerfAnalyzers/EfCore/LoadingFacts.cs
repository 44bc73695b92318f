using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.EfCore
{
    /// <summary>Whether lazy loading is on for an entity's DbContext.</summary>
    internal enum LazyLoadingState
    {
        /// <summary>Off: a navigation that was not loaded stays null/empty.</summary>
        Off,

        /// <summary>On: reading a navigation that was not loaded runs a query.</summary>
        On,

        /// <summary>The configuration is not visible and could turn it on: rules should stay silent.</summary>
        Unknown,
    }

    /// <summary>
    /// The EF model as far as the source code shows it, gathered once per compilation (lazily, on the first question):
    /// lazy loading per DbContext type (<c>UseLazyLoadingProxies</c> in <c>OnConfiguring</c> or in the options of an
    /// <c>AddDbContext&lt;T&gt;</c>-style registration, <c>ILazyLoader</c> entities), split-query and no-tracking configuration,
    /// <c>AutoInclude()</c>d and owned navigations, and which types are entity types.
    /// The scan reads only syntax trees whose text mentions one of the configuration APIs (a cheap prefilter), so its
    /// cost is one pass over the source text per compilation, never a walk per analysed node.
    /// </summary>
    internal sealed class LoadingFacts
    {
        private static readonly string[] Keywords =
        {
            "UseLazyLoadingProxies", "UseQuerySplittingBehavior", "AutoInclude", "OwnsOne", "OwnsMany", "Owned",
            "ComplexProperty", "Entity<", "IEntityTypeConfiguration", "AddDbContext", "AddDbContextFactory",
            "AddDbContextPool", "AddPooledDbContextFactory", "OnConfiguring", "DbSet<", "Set<", "QueryTrackingBehavior",
        };

        private static readonly HashSet<string> RegistrationMethods = new HashSet<string>
        {
            "AddDbContext", "AddDbContextFactory", "AddDbContextPool", "AddPooledDbContextFactory",
        };

        private readonly EfSymbols _ef;
        private readonly HashSet<ITypeSymbol> _lazyContexts = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _splitContexts = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _noTrackingContexts = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _configuredContexts = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _sourceContexts = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _entityTypes = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _ownedTypes = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<IPropertySymbol> _ownedNavigations = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<IPropertySymbol> _autoIncluded = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<(ITypeSymbol Type, string Name)> _ownedByName = new HashSet<(ITypeSymbol, string)>(new TypeNameComparer());
        private readonly ConcurrentDictionary<ITypeSymbol, bool> _lazyLoaderEntities = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, bool> _heuristicEntities = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
        private bool _lazyUnattributed;
        private bool _splitUnattributed;
        private bool _noTrackingUnattributed;

        private LoadingFacts(EfSymbols ef)
        {
            _ef = ef;
            ProxiesReferenced = ef.Compilation.ReferencedAssemblyNames.Any(a => a.Name == "Microsoft.EntityFrameworkCore.Proxies");
        }

        /// <summary>The compilation references Microsoft.EntityFrameworkCore.Proxies.</summary>
        public bool ProxiesReferenced { get; }

        /// <summary>Scans the compilation once. Call through <see cref="EfCompilation"/>, which caches the result.</summary>
        [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
            Justification = "Model configuration lives in other members (OnModelCreating, Program.cs); it is read once per compilation, only in trees whose text mentions a configuration API, and cached.")]
        internal static LoadingFacts Scan(EfSymbols ef, CancellationToken cancellationToken)
        {
            var facts = new LoadingFacts(ef);
            foreach (var tree in ef.Compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = tree.GetText(cancellationToken).ToString();
                if (!Keywords.Any(k => text.IndexOf(k, System.StringComparison.Ordinal) >= 0))
                {
                    continue;
                }

                var model = ef.Compilation.GetSemanticModel(tree);
                var root = tree.GetRoot(cancellationToken);
                foreach (var node in root.DescendantNodes())
                {
                    switch (node)
                    {
                        case ClassDeclarationSyntax declaration:
                            facts.VisitClass(declaration, model, cancellationToken);
                            break;
                        case InvocationExpressionSyntax invocation:
                            facts.VisitInvocation(invocation, model, cancellationToken);
                            break;
                        case AssignmentExpressionSyntax assignment:
                            facts.VisitAssignment(assignment, model, cancellationToken);
                            break;
                    }
                }
            }

            return facts;
        }

        // ---- questions ----

        /// <summary>Lazy loading for entities of <paramref name="entityType"/> queried through a context of <paramref name="contextType"/> (null when not visible).</summary>
        public LazyLoadingState GetLazyLoading(ITypeSymbol? contextType, ITypeSymbol entityType, IPropertySymbol navigation)
        {
            if (HasLazyLoader(entityType))
            {
                return LazyLoadingState.On;
            }

            if (contextType is not null && _ef.IsDbContext(contextType))
            {
                if (AnyInHierarchy(contextType, _lazyContexts))
                {
                    return navigation.IsVirtual || navigation.IsOverride ? LazyLoadingState.On : LazyLoadingState.Unknown;
                }

                if (AnyInHierarchy(contextType, _configuredContexts))
                {
                    return LazyLoadingState.Off;
                }
            }
            else if (_lazyContexts.Count > 0)
            {
                // The query's context is not visible: lazy if any context exposing this entity is.
                var exposing = _sourceContexts.Where(c => ExposesEntity(c, entityType)).ToList();
                if (exposing.Count > 0 && exposing.All(c => AnyInHierarchy(c, _lazyContexts)))
                {
                    return LazyLoadingState.On;
                }

                if (exposing.Any(c => AnyInHierarchy(c, _lazyContexts)))
                {
                    return LazyLoadingState.Unknown;
                }
            }

            // The context's own configuration is not visible: fall back to the whole compilation.
            if (_lazyUnattributed)
            {
                return navigation.IsVirtual || navigation.IsOverride ? LazyLoadingState.On : LazyLoadingState.Unknown;
            }

            // Proxies referenced but never configured in this compilation: another project (the host) may turn them on.
            // When this compilation does configure proxies, for other contexts, that is where lazy loading is decided.
            if ((navigation.IsVirtual || navigation.IsOverride) && ProxiesReferenced && _lazyContexts.Count == 0
                && !(contextType is not null && AnyInHierarchy(contextType, _configuredContexts)))
            {
                return LazyLoadingState.Unknown;
            }

            return LazyLoadingState.Off;
        }

        /// <summary>The context configures <c>UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)</c> (or, when unknown, any context does).</summary>
        public bool UsesSplitQueries(ITypeSymbol? contextType) => IsConfigured(contextType, _splitContexts, _splitUnattributed);

        /// <summary>
        /// The context's queries are no-tracking by default: <c>UseQueryTrackingBehavior(NoTracking)</c> (or
        /// NoTrackingWithIdentityResolution) in its configuration, or <c>ChangeTracker.QueryTrackingBehavior = NoTracking</c>
        /// on it. When such configuration exists but cannot be attributed to a context type, every context counts as no-tracking.
        /// </summary>
        public bool UsesNoTrackingByDefault(ITypeSymbol? contextType) => IsConfigured(contextType, _noTrackingContexts, _noTrackingUnattributed);

        /// <summary>A context-level setting: on for the context's hierarchy, for every context when unattributed, for any when the context is unknown.</summary>
        private bool IsConfigured(ITypeSymbol? contextType, HashSet<ITypeSymbol> contexts, bool unattributed)
        {
            if (unattributed)
            {
                return true;
            }

            if (contextType is not null && _ef.IsDbContext(contextType) && !SymbolEqualityComparer.Default.Equals(contextType.OriginalDefinition, _ef.DbContext))
            {
                return AnyInHierarchy(contextType, contexts);
            }

            return contexts.Count > 0;
        }

        public bool IsAutoIncluded(IPropertySymbol navigation) => Matches(navigation, _autoIncluded);

        /// <summary>Owned (OwnsOne/OwnsMany, [Owned], modelBuilder.Owned&lt;T&gt;()) or complex: always loaded with its owner.</summary>
        public bool IsOwned(IPropertySymbol navigation, ITypeSymbol targetType)
        {
            if (Matches(navigation, _ownedNavigations) || _ownedTypes.Contains(targetType.OriginalDefinition)
                || HasOwnedAttribute(targetType))
            {
                return true;
            }

            for (var t = navigation.ContainingType as ITypeSymbol; t is not null; t = t.BaseType)
            {
                if (_ownedByName.Contains((t.OriginalDefinition, navigation.Name)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>An entity type: a DbSet/Set/Entity&lt;T&gt;/IEntityTypeConfiguration type, or a source class with a key that a navigation points to.</summary>
        public bool IsEntityType(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named || named.TypeKind != TypeKind.Class || named.SpecialType != SpecialType.None)
            {
                return false;
            }

            for (var t = (ITypeSymbol?)named; t is not null; t = t.BaseType)
            {
                if (_entityTypes.Contains(t.OriginalDefinition))
                {
                    return true;
                }
            }

            return _heuristicEntities.GetOrAdd(named.OriginalDefinition, t => LooksLikeEntity((INamedTypeSymbol)t));
        }

        /// <summary>
        /// An entity type the model declares (a DbSet/Set/Entity&lt;T&gt;/IEntityTypeConfiguration type, or a subclass of one), without
        /// <see cref="IsEntityType"/>'s guess from an Id property: settings and DTO classes with an Id are not entities.
        /// </summary>
        public bool IsDeclaredEntityType(ITypeSymbol? type)
        {
            for (var t = type as INamedTypeSymbol; t is not null && t.SpecialType == SpecialType.None; t = t.BaseType)
            {
                if (_entityTypes.Contains(t.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        public bool HasLazyLoader(ITypeSymbol entityType)
            => _lazyLoaderEntities.GetOrAdd(entityType.OriginalDefinition, t => TakesLazyLoader(t));

        /// <summary>The DbContext types declared in source.</summary>
        public IEnumerable<ITypeSymbol> SourceContexts => _sourceContexts;

        // ---- scan ----

        private void VisitClass(ClassDeclarationSyntax declaration, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
            {
                return;
            }

            if (_ef.IsDbContext(type))
            {
                _sourceContexts.Add(type.OriginalDefinition);
                foreach (var member in type.GetMembers())
                {
                    if (member is IPropertySymbol property && _ef.IsDbSet(property.Type) && property.Type is INamedTypeSymbol set && set.TypeArguments.Length == 1)
                    {
                        _entityTypes.Add(set.TypeArguments[0].OriginalDefinition);
                    }

                    if (member is IMethodSymbol { Name: "OnConfiguring", IsOverride: true })
                    {
                        _configuredContexts.Add(type.OriginalDefinition);
                    }
                }
            }

            foreach (var i in type.AllInterfaces)
            {
                if (i.Name == "IEntityTypeConfiguration" && i.TypeArguments.Length == 1 && EfSymbols.IsInEfNamespace(i))
                {
                    _entityTypes.Add(i.TypeArguments[0].OriginalDefinition);
                }
            }

            if (HasOwnedAttribute(type))
            {
                _ownedTypes.Add(type.OriginalDefinition);
            }
        }

        private void VisitInvocation(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            var name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            };
            if (name is null)
            {
                return;
            }

            switch (name)
            {
                case "UseLazyLoadingProxies":
                case "UseQuerySplittingBehavior":
                case "UseQueryTrackingBehavior":
                case "AutoInclude":
                case "OwnsOne":
                case "OwnsMany":
                case "ComplexProperty":
                case "Owned":
                case "Entity":
                case "Set":
                case "DbSet":
                    break;
                default:
                    if (RegistrationMethods.Contains(name))
                    {
                        break;
                    }

                    return;
            }

            if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return;
            }

            if (RegistrationMethods.Contains(name))
            {
                foreach (var context in RegisteredContexts(method))
                {
                    _configuredContexts.Add(context.OriginalDefinition);
                }

                return;
            }

            if (!EfSymbols.IsInEfNamespace(method.ContainingType ?? (ISymbol)method))
            {
                return;
            }

            switch (name)
            {
                case "UseLazyLoadingProxies":
                    if (IsFalseArgument(invocation, model, cancellationToken))
                    {
                        return;
                    }

                    AddForContext(invocation, model, _lazyContexts, ref _lazyUnattributed, cancellationToken);
                    break;

                case "UseQuerySplittingBehavior":
                    if (invocation.ArgumentList.Arguments.Count == 1
                        && model.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression, cancellationToken) is { HasValue: true, Value: int value }
                        && value == 1)
                    {
                        AddForContext(invocation, model, _splitContexts, ref _splitUnattributed, cancellationToken);
                    }

                    break;

                case "UseQueryTrackingBehavior":
                    // QueryTrackingBehavior.TrackAll is 0; NoTracking and NoTrackingWithIdentityResolution (or a value we
                    // cannot read) may turn tracking off.
                    if (invocation.ArgumentList.Arguments.Count == 1
                        && !(model.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression, cancellationToken) is { HasValue: true, Value: int tracking } && tracking == 0))
                    {
                        AddForContext(invocation, model, _noTrackingContexts, ref _noTrackingUnattributed, cancellationToken);
                    }

                    break;

                case "AutoInclude":
                    if (IsFalseArgument(invocation, model, cancellationToken))
                    {
                        return;
                    }

                    if (invocation.Expression is MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax navigationCall }
                        && LambdaProperty(navigationCall, model, cancellationToken) is { } autoIncluded)
                    {
                        _autoIncluded.Add(autoIncluded.OriginalDefinition);
                    }

                    break;

                case "OwnsOne":
                case "OwnsMany":
                case "ComplexProperty":
                    if (LambdaProperty(invocation, model, cancellationToken) is { } owned)
                    {
                        _ownedNavigations.Add(owned.OriginalDefinition);
                    }
                    else if (method.ReturnType is INamedTypeSymbol builder && builder.TypeArguments.Length >= 1
                             && LastStringArgument(invocation, model, cancellationToken) is { } navigationName)
                    {
                        _ownedByName.Add((builder.TypeArguments[0].OriginalDefinition, navigationName));
                    }

                    if (method.IsGenericMethod && method.TypeArguments.Length >= 1 && method.TypeArguments[method.TypeArguments.Length - 1] is INamedTypeSymbol ownedType
                        && ownedType.TypeKind == TypeKind.Class)
                    {
                        _ownedTypes.Add(ownedType.OriginalDefinition);
                    }

                    break;

                case "Owned":
                    if (method.IsGenericMethod && method.TypeArguments.Length == 1)
                    {
                        _ownedTypes.Add(method.TypeArguments[0].OriginalDefinition);
                    }

                    break;

                case "Entity":
                case "Set":
                    if (method.IsGenericMethod && method.TypeArguments.Length == 1)
                    {
                        _entityTypes.Add(method.TypeArguments[0].OriginalDefinition);
                    }

                    break;
            }
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
                _noTrackingContexts.Add(context.OriginalDefinition);
            }
            else
            {
                _noTrackingUnattributed = true;
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
                    && model.GetSymbolInfo(outer, cancellationToken).Symbol is IMethodSymbol outerMethod)
                {
                    if (RegistrationMethods.Contains(outerMethod.Name))
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

        /// <summary>The property of <c>x => x.Nav</c> passed as the first argument.</summary>
        private static IPropertySymbol? LambdaProperty(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            if (invocation.ArgumentList.Arguments.Count == 0)
            {
                return null;
            }

            var body = invocation.ArgumentList.Arguments[0].Expression switch
            {
                SimpleLambdaExpressionSyntax simple => simple.Body as ExpressionSyntax,
                ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.Body as ExpressionSyntax,
                _ => null,
            };
            while (body is CastExpressionSyntax cast)
            {
                body = cast.Expression;
            }

            return body is MemberAccessExpressionSyntax access ? model.GetSymbolInfo(access, cancellationToken).Symbol as IPropertySymbol : null;
        }

        private static bool Matches(IPropertySymbol navigation, HashSet<IPropertySymbol> set)
        {
            for (var p = navigation; p is not null; p = p.OverriddenProperty)
            {
                if (set.Contains(p.OriginalDefinition))
                {
                    return true;
                }
            }

            // Configured on a base or derived type under the same name.
            return set.Any(s => s.Name == navigation.Name
                                && (EfSymbols.InheritsFrom(navigation.ContainingType, s.ContainingType) || EfSymbols.InheritsFrom(s.ContainingType, navigation.ContainingType)));
        }

        private static bool AnyInHierarchy(ITypeSymbol type, HashSet<ITypeSymbol> set)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (set.Contains(t.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        private bool ExposesEntity(ITypeSymbol context, ITypeSymbol entity)
        {
            for (var t = context; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IPropertySymbol property && property.Type is INamedTypeSymbol set && _ef.IsDbSet(set)
                        && set.TypeArguments.Length == 1 && EfSymbols.InheritsFrom(entity, set.TypeArguments[0]))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool HasOwnedAttribute(ITypeSymbol type)
            => type.GetAttributes().Any(a => a.AttributeClass is { Name: "OwnedAttribute" } attribute && EfSymbols.IsInEfNamespace(attribute));

        private static bool TakesLazyLoader(ITypeSymbol type)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    switch (member)
                    {
                        case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                            when constructor.Parameters.Any(p => IsLazyLoaderType(p.Type)):
                            return true;
                        case IPropertySymbol property when IsLazyLoaderType(property.Type):
                            return true;
                        case IFieldSymbol field when IsLazyLoaderType(field.Type):
                            return true;
                    }
                }
            }

            return false;
        }

        private static bool IsLazyLoaderType(ITypeSymbol type)
        {
            if (type.Name == "ILazyLoader" && EfSymbols.IsInEfNamespace(type))
            {
                return true;
            }

            // Action<object, string> lazy-loader delegate injected by EF.
            return type is INamedTypeSymbol { Name: "Action", TypeArguments.Length: 2 } action
                   && action.TypeArguments[0].SpecialType == SpecialType.System_Object
                   && action.TypeArguments[1].SpecialType == SpecialType.System_String;
        }

        /// <summary>A class declared in source with a key by convention (<c>Id</c>, <c>&lt;Type&gt;Id</c>) or [Key].</summary>
        private static bool LooksLikeEntity(INamedTypeSymbol type)
        {
            if (type.DeclaringSyntaxReferences.Length == 0 || type.IsStatic || type.IsAbstract && type.TypeKind != TypeKind.Class)
            {
                return false;
            }

            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IPropertySymbol property
                        && (property.Name == "Id" || property.Name == type.Name + "Id"
                            || property.GetAttributes().Any(a => a.AttributeClass?.Name == "KeyAttribute")))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private sealed class TypeNameComparer : IEqualityComparer<(ITypeSymbol Type, string Name)>
        {
            public bool Equals((ITypeSymbol Type, string Name) x, (ITypeSymbol Type, string Name) y)
                => x.Name == y.Name && SymbolEqualityComparer.Default.Equals(x.Type, y.Type);

            public int GetHashCode((ITypeSymbol Type, string Name) obj)
                => obj.Name.GetHashCode() ^ SymbolEqualityComparer.Default.GetHashCode(obj.Type);
        }
    }
}
