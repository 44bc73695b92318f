using System.Collections.Concurrent;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this entity's table grow with use, and why?" from the evidence the model and the code show:
    /// <list type="bullet">
    /// <item><b>belongs to a parent or owner</b>: a reference navigation whose target declares a collection of this entity
    /// (<c>Post.Blog</c> / <c>Blog.Posts</c>), or whose foreign key (<c>BlogId</c>) is a non-nullable value; or an owner key
    /// property (<c>UserId</c>, <c>OwnerId</c>, <c>CustomerId</c>, <c>AuthorId</c>, <c>CreatedById</c>...) that is not the entity's
    /// own key and is not declared on a common base class every table inherits (<see cref="EfModel.IsCommonBaseType"/>: an
    /// audit base's <c>CreatedBy</c>);</item>
    /// <item><b>a creation timestamp</b>: a <c>DateTime</c>/<c>DateTimeOffset</c>/<c>DateOnly</c> (or <c>long</c>
    /// <c>Timestamp</c>) property named <c>CreatedAt</c>, <c>CreatedOn</c>, <c>Created*</c>, <c>DateCreated</c>,
    /// <c>Timestamp</c>, <c>Date</c>, <c>PostedAt</c>, <c>PublishedAt</c>, <c>OccurredAt</c>...;</item>
    /// <item><b>rows added by the application</b>: <c>Add</c>/<c>AddAsync</c>/<c>AddRange</c>/<c>AddRangeAsync</c> of this
    /// entity on a <c>DbSet</c>/<c>DbContext</c>, or on a parent's collection navigation, in source code that is neither
    /// setup code (<see cref="SetupCode"/>) nor test code.</item>
    /// </list>
    /// The table grows with use when it belongs to a parent or owner <b>and</b> has a creation timestamp or is added to by
    /// the application; it never does when it is a lookup table (seeded with <c>HasData</c>, or keyed by an enum).
    /// Configuration and type-registry tables (content types, languages, settings, roles) have no parent or owner, so they
    /// do not qualify even when an admin page adds rows or an audit base class gives them a <c>CreatedOn</c>.
    /// </summary>
    internal sealed class TableGrowth
    {
        private static readonly string[] TimestampNames =
        {
            "Timestamp", "Date", "DateCreated", "DateAdded", "DatePosted", "InsertedAt", "InsertedOn", "AddedAt", "AddedOn",
            "PostedAt", "PostedOn", "PublishedAt", "PublishedOn", "OccurredAt", "OccurredOn", "LoggedAt", "SentAt", "OrderDate",
            "OrderedAt", "SubmittedAt", "RecordedAt", "CreationDate", "CreationTime",
        };

        private static readonly string[] OwnerKeyNames =
        {
            "UserId", "OwnerId", "CustomerId", "AuthorId", "AccountId", "MemberId", "CreatedById", "CreatedBy", "CreatorId",
            "SenderId", "PosterId",
        };

        private const int MaxAddCalls = 5000;

        private static readonly string[] AddNames = { "Add", "AddAsync", "AddRange", "AddRangeAsync" };

        private readonly EfSymbols _ef;
        private readonly EfModel _model;
        private readonly Lazy<Dictionary<ITypeSymbol, string>> _added;
        private readonly ConcurrentDictionary<ITypeSymbol, Growth> _cache = new ConcurrentDictionary<ITypeSymbol, Growth>(SymbolEqualityComparer.Default);

        private readonly EfCompilation _compilation;

        public TableGrowth(EfCompilation compilation)
        {
            _compilation = compilation;
            _ef = compilation.Symbols;
            _model = compilation.Model;
            _added = new Lazy<Dictionary<ITypeSymbol, string>>(() => ScanAdds(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>The verdict for one entity type, with the evidence in words (for the message and the tests).</summary>
        internal readonly struct Growth(bool grows, string reason, bool timestamped = false)
        {
            public bool Grows { get; } = grows;

            /// <summary>The entity has a creation timestamp: rows accumulate over time (posts, uploads, events), not only with a catalog's size.</summary>
            public bool Timestamped { get; } = timestamped;

            /// <summary>Why: "belongs to 'Blog', has 'PublishedAt'", or why not: "seeded with HasData".</summary>
            public string Reason { get; } = reason;
        }

        public Growth Explain(ITypeSymbol entityType)
            => _cache.GetOrAdd(entityType.OriginalDefinition, Compute);

        private Growth Compute(ITypeSymbol entityType)
        {
            if (_model.IsSeeded(entityType))
            {
                return new Growth(false, "seeded with HasData");
            }

            if (_model.IsKeyedByEnum(entityType))
            {
                return new Growth(false, "keyed by an enum");
            }

            if (entityType is not INamedTypeSymbol type)
            {
                return new Growth(false, "not a class");
            }

            var properties = AllProperties(type).ToList();
            var parent = Parent(type, properties, _model);
            if (parent is null)
            {
                return new Growth(false, "no parent or owner");
            }

            var evidence = new List<string> { "belongs to " + parent };
            var timestamp = properties.FirstOrDefault(IsCreationTimestamp);
            if (timestamp is not null)
            {
                evidence.Add("has '" + timestamp.Name + "'");
            }

            if (_added.Value.TryGetValue(type, out var where))
            {
                evidence.Add("rows added in '" + where + "'");
            }

            return evidence.Count >= 2
                ? new Growth(true, string.Join(", ", evidence), timestamp is not null)
                : new Growth(false, evidence[0] + " only");
        }

        /// <summary>The parent or owner the entity belongs to, in words, or null.</summary>
        private static string? Parent(INamedTypeSymbol type, List<IPropertySymbol> properties, EfModel model)
        {
            foreach (var property in properties)
            {
                if (property.Type is not INamedTypeSymbol { TypeKind: TypeKind.Class } target
                    || target.SpecialType == SpecialType.System_String
                    || SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, type.OriginalDefinition)
                    || IsCollection(target))
                {
                    continue;
                }

                // The parent declares a collection of this entity (one-to-many), or the foreign key is required.
                var backCollection = AllProperties(target).Any(p => p.Type is INamedTypeSymbol { IsGenericType: true } collection
                    && IsCollection(collection)
                    && collection.TypeArguments.Any(t => SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, type.OriginalDefinition)));
                var foreignKey = properties.FirstOrDefault(p => string.Equals(p.Name, property.Name + "Id", StringComparison.OrdinalIgnoreCase));
                var requiredKey = foreignKey is not null && foreignKey.Type.IsValueType && foreignKey.Type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;
                if (backCollection || requiredKey)
                {
                    return "'" + target.Name + "'";
                }
            }

            // An owner key: not the entity's own key (User.UserId, configured or by convention: EfModel.FindKey), and not an audit column every table inherits from a common
            // base class (Oqtane's ModelBase.CreatedBy, ABP's CreatorId): who created a row says nothing about how many rows a
            // configuration table (sites, tenants, jobs) holds.
            var ownKey = model.FindKey(type);
            var owner = properties.FirstOrDefault(p => OwnerKeyNames.Any(n => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase))
                                                       && (p.Type.IsValueType || p.Type.SpecialType == SpecialType.System_String)
                                                       && !ownKey.Any(k => k.Name == p.Name)
                                                       && !model.IsCommonBaseType(p.ContainingType));
            return owner is null ? null : "an owner ('" + owner.Name + "')";
        }

        private static bool IsCreationTimestamp(IPropertySymbol property)
        {
            var name = property.Name;
            var named = name.StartsWith("Created", StringComparison.Ordinal) && !name.EndsWith("By", StringComparison.Ordinal) && !name.EndsWith("Id", StringComparison.Ordinal)
                        || TimestampNames.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                        || name.EndsWith("CreatedAt", StringComparison.Ordinal) || name.EndsWith("CreatedOn", StringComparison.Ordinal);
            if (!named)
            {
                return false;
            }

            var t = property.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : property.Type;
            return t.SpecialType == SpecialType.System_DateTime
                   || t.Name is "DateTimeOffset" or "DateOnly" or "Instant"
                   || (t.SpecialType == SpecialType.System_Int64 && name == "Timestamp");
        }

        private static bool IsCollection(INamedTypeSymbol type)
            => type.SpecialType != SpecialType.System_String
               && (type.Name is "IEnumerable" or "ICollection" or "IList" or "List" or "HashSet" or "ISet" or "IReadOnlyCollection" or "IReadOnlyList" or "Collection"
                   || type.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T));

        private static IEnumerable<IPropertySymbol> AllProperties(INamedTypeSymbol type)
        {
            var seen = new HashSet<string>();
            foreach (var t in EfSymbols.SelfAndBaseTypes(type))
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false, IsIndexer: false } property && seen.Add(property.Name))
                    {
                        yield return property;
                    }
                }
            }
        }

        /// <summary>
        /// Entity types the application adds rows of, outside setup and test code, with one place that does it. One bounded
        /// pass over the compilation's syntax, run once on first use: only invocations named Add/AddAsync/AddRange/AddRangeAsync
        /// are bound, and they are found from each tree's text (<see cref="TreeText.MemberInvocations"/>), not by walking every
        /// node (issue 14: that walk was most of EFP314's time on a migrations-heavy project).
        /// </summary>
        private Dictionary<ITypeSymbol, string> ScanAdds(CancellationToken cancellationToken)
        {
            var added = new Dictionary<ITypeSymbol, string>(SymbolEqualityComparer.Default);
            var compilation = _ef.Compilation;
            if (TestCode.IsTestProject(compilation))
            {
                return added;
            }

            var calls = 0;
            foreach (var tree in compilation.SyntaxTrees)
            {
                SemanticModel? semanticModel = null;
                foreach (var invocationSyntax in TreeText.MemberInvocations(tree, AddNames, cancellationToken))
                {
                    if (++calls > MaxAddCalls)
                    {
                        return added;
                    }

                    semanticModel ??= compilation.GetSemanticModel(tree);
                    if (!MayAddEntity(invocationSyntax, semanticModel, cancellationToken)
                        || semanticModel.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation
                        || AddedEntity(invocation) is not { } entity
                        || added.ContainsKey(entity))
                    {
                        continue;
                    }

                    var container = semanticModel.GetEnclosingSymbol(invocationSyntax.SpanStart, cancellationToken);
                    if (TestCode.IsInTestClass(container) || SetupCode.IsSetupCode(_compilation, invocation, cancellationToken))
                    {
                        continue;
                    }

                    added[entity] = container is null ? "?" : container.ContainingType?.Name + "." + container.Name;
                }
            }

            return added;
        }

        /// <summary>
        /// Whether <see cref="AddedEntity"/> can find an entity in this call, decided without binding the method it sits in
        /// (which binds the whole method) when the receiver is a plain name (a local, parameter, field or property) or such a
        /// name's field or property, looked up by name: only a DbSet or DbContext receiver (or a type parameter, dynamic or
        /// unresolved one) and a property's <c>Add</c> (a navigation collection) can; a list, a builder or a service collection
        /// cannot. Any other receiver, an ambiguous name, and a call inside a lambda (whose parameters only binding types) are
        /// bound as before (issue 14: binding every method with a list's Add was most of EFP314's time on Blogifier).
        /// </summary>
        private bool MayAddEntity(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            var access = (MemberAccessExpressionSyntax)invocation.Expression;
            if (invocation.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax or QueryExpressionSyntax))
            {
                return true;
            }

            var receiver = access.Expression switch
            {
                IdentifierNameSyntax name => LookupValue(model, name),
                MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax owner, Name: IdentifierNameSyntax member }
                    => TypeOf(LookupValue(model, owner)) is { } ownerType ? FieldOrProperty(ownerType, member.Identifier.ValueText) : null,
                _ => null,
            };
            cancellationToken.ThrowIfCancellationRequested();
            var type = TypeOf(receiver);
            if (type is null || type.TypeKind is TypeKind.Error or TypeKind.Dynamic or TypeKind.TypeParameter
                || _ef.IsDbSet(type) || _ef.IsDbContext(type))
            {
                return true;
            }

            return receiver is IPropertySymbol && access.Name.Identifier.ValueText == "Add";
        }

        /// <summary>The one local, parameter, field or property a simple name denotes where it is written, or null.</summary>
        private static ISymbol? LookupValue(SemanticModel model, IdentifierNameSyntax name)
        {
            var symbols = model.LookupSymbols(name.SpanStart, name: name.Identifier.ValueText);
            return symbols.Length == 1 && symbols[0] is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol ? symbols[0] : null;
        }

        /// <summary>The field or property a class or struct (or its nearest base declaring the name) has under that name, or null.</summary>
        private static ISymbol? FieldOrProperty(ITypeSymbol type, string name)
        {
            if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named)
            {
                return null;
            }

            foreach (var t in EfSymbols.SelfAndBaseTypes(named))
            {
                var members = t.GetMembers(name);
                if (!members.IsEmpty)
                {
                    return members.Length == 1 && members[0] is IFieldSymbol or IPropertySymbol { IsIndexer: false } ? members[0] : null;
                }
            }

            return null;
        }

        private static ITypeSymbol? TypeOf(ISymbol? symbol) => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        /// <summary>The entity type an Add call inserts: on a DbSet/DbContext, or on a parent entity's collection navigation.</summary>
        private ITypeSymbol? AddedEntity(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var receiver = invocation.Instance?.WalkDownConversions();
            ITypeSymbol? element = null;
            if (_ef.IsDbSet(method.ContainingType) || _ef.IsDbContext(method.ContainingType))
            {
                element = invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value.WalkDownConversions().Type : null;
                if (element is INamedTypeSymbol { IsGenericType: true } sequence && IsCollection(sequence))
                {
                    element = sequence.TypeArguments[0];
                }

                if (element is IArrayTypeSymbol array)
                {
                    element = array.ElementType;
                }

                if (_ef.IsDbSet(method.ContainingType) && method.ContainingType is { TypeArguments.Length: 1 } set)
                {
                    element = set.TypeArguments[0];
                }
            }
            else if (method.Name == "Add" && receiver is IPropertyReferenceOperation { Property: var navigation }
                     && navigation.Type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } collection && IsCollection(collection))
            {
                // parent.Children.Add(child): a navigation when the child refers back to the parent type.
                var child = collection.TypeArguments[0];
                if (child is INamedTypeSymbol childType
                    && AllProperties(childType).Any(p => SymbolEqualityComparer.Default.Equals(p.Type.OriginalDefinition, navigation.ContainingType.OriginalDefinition)))
                {
                    element = child;
                }
            }

            return element is INamedTypeSymbol { TypeKind: TypeKind.Class } named ? named.OriginalDefinition : null;
        }
    }
}
