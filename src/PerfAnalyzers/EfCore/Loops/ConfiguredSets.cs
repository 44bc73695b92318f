namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this loop iterate a handful of configured things rather than rows of data?": the loop's source is, through
    /// LINQ-to-objects steps (<c>Where</c>, <c>OrderBy</c>, <c>ToList</c>...), locals and one level of helper methods:
    /// <list type="bullet">
    /// <item><b>services from dependency injection</b>: <c>provider.GetServices&lt;T&gt;()</c> / <c>GetServices(type)</c>, or a
    /// field, property or parameter holding a sequence of a <b>service type</b> (an interface or abstract class that declares
    /// methods and is not an entity type, e.g. an injected <c>IEnumerable&lt;INotificationHandler&gt;</c> or a list of
    /// notification agents);</item>
    /// <item><b>settings</b>: a member read from a configuration object — the value of <c>IOptions&lt;T&gt;</c>,
    /// <c>IOptionsSnapshot&lt;T&gt;</c> or <c>IOptionsMonitor&lt;T&gt;</c>, or an object whose type (or a base type) is named
    /// <c>*Settings</c>, <c>*Options</c>, <c>*Configuration</c> or <c>*Config</c> (the one name-based part: the options
    /// pattern's own convention; EF Core's and ASP.NET Core's framework types are not settings), e.g.
    /// <c>settings.Servers</c>, <c>server.SelectedLibraries.Where(l =&gt; l.Enabled)</c>.</item>
    /// </list>
    /// The element type must not be an entity type the model declares (<see cref="EfModel.IsDeclaredEntityType"/>; a
    /// settings class with an <c>Id</c> is not one): a loop over entities is a loop over data, wherever the entities come from. Each iteration of such a loop is a whole unit of work (a sync per configured server, a
    /// notification per agent, a handler per event), and their number is set by configuration, not by the data.
    /// </summary>
    internal static class ConfiguredSets
    {
        private const int MaxDepth = 6;

        private static readonly string[] SettingsSuffixes = { "Settings", "Options", "Configuration", "Config" };

        public static bool IsConfiguredSet(EfCompilation ef, EnclosingLoop loop, CancellationToken cancellationToken = default)
        {
            if (loop.Source is not { } source || ef.Symbols.IsQueryable(source.Type) || ef.Symbols.IsDbSet(source.Type))
            {
                return false;
            }

            var element = ElementOf(ef, loop, source);
            if (element is null || ef.GetModel(cancellationToken).IsDeclaredEntityType(element))
            {
                return false;
            }

            return IsConfigured(ef, source, loop.Body.SemanticModel?.Compilation, 0, cancellationToken);
        }

        private static ITypeSymbol? ElementOf(EfCompilation ef, EnclosingLoop loop, IOperation source)
            => loop.Loop is IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation { Symbol.Type: { } declared } }
                ? declared
                : ef.Symbols.GetElementType(source.Type);

        private static bool IsConfigured(EfCompilation ef, IOperation value, Compilation? compilation, int depth, CancellationToken cancellationToken)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            value = value.WalkDownAwaits();
            if (ef.Symbols.IsQueryable(value.Type) || ef.Symbols.IsDbSet(value.Type))
            {
                return false;
            }

            switch (value)
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (IsGetServices(method))
                    {
                        return true;
                    }

                    // servers.Where(s => s.Enabled).ToList(): the same set, filtered in memory.
                    if (ef.Symbols.IsEnumerableMethod(method) || IsCollectionCopy(method))
                    {
                        return invocation.GetReceiverOrThisArgument() is { } receiver && IsConfigured(ef, receiver, compilation, depth + 1, cancellationToken);
                    }

                    // A helper of this compilation that returns one: ResolveHandlers(provider, type) => provider.GetServices(type)...
                    if (compilation is not null && method.Locations.Any(l => l.IsInSource)
                        && SourceBodies.GetBody(compilation, method.OriginalDefinition, cancellationToken) is { } body)
                    {
                        var returned = body.DescendantsAndSelf().OfType<IReturnOperation>().Where(r => r.ReturnedValue is not null && !InNestedFunction(r, body)).ToList();
                        return returned.Count > 0 && returned.All(r => IsConfigured(ef, r.ReturnedValue!, compilation, depth + 1, cancellationToken));
                    }

                    return IsServiceSequence(ef, invocation.Type, cancellationToken);

                case ILocalReferenceOperation local:
                    if (IsServiceSequence(ef, local.Type, cancellationToken))
                    {
                        return true;
                    }

                    var initializer = SingleInitializer(local);
                    return initializer is not null && IsConfigured(ef, initializer, compilation, depth + 1, cancellationToken);

                case IParameterReferenceOperation parameter:
                    return IsServiceSequence(ef, parameter.Type, cancellationToken);

                case ICoalesceOperation coalesce:
                    // settings.Servers ?? new List<Server>(): the configured set, or nothing.
                    return IsConfigured(ef, coalesce.Value, compilation, depth + 1, cancellationToken);

                case IFieldReferenceOperation field:
                    return IsServiceSequence(ef, field.Type, cancellationToken)
                           || (field.Instance is { } fieldOwner && IsSettingsValue(ef, fieldOwner, cancellationToken));

                case IPropertyReferenceOperation property:
                    return IsServiceSequence(ef, property.Type, cancellationToken)
                           || (property.Instance is { } owner && IsSettingsValue(ef, owner, cancellationToken));

                default:
                    return false;
            }
        }

        /// <summary>
        /// The object a member is read from is configuration: the value of an options accessor, or an object of a settings
        /// type (<see cref="IsSettingsType"/>), or a member read from such an object (<c>settings.Plex.Servers</c>).
        /// </summary>
        private static bool IsSettingsValue(EfCompilation ef, IOperation owner, CancellationToken cancellationToken)
        {
            for (var depth = 0; depth <= MaxDepth; depth++)
            {
                owner = owner.WalkDownAwaits();
                if (owner is IPropertyReferenceOperation { Property.Name: "Value" or "CurrentValue", Instance: { } accessor }
                    && IsOptionsAccessor(accessor.Type))
                {
                    return true;
                }

                if (owner is IInvocationOperation { TargetMethod.Name: "Get", Instance: { } monitor } && IsOptionsAccessor(monitor.Type))
                {
                    return true;
                }

                if (IsSettingsType(ef, owner.Type, cancellationToken))
                {
                    return true;
                }

                switch (owner)
                {
                    case IPropertyReferenceOperation { Instance: { } next }:
                        owner = next;
                        continue;
                    case IFieldReferenceOperation { Instance: { } next }:
                        owner = next;
                        continue;
                    case ILocalReferenceOperation local when IterationSource(local) is { } collection:
                        // server in foreach (var server in settings.Servers): an element of a configured set.
                        return IsConfigured(ef, collection, null, depth + 1, cancellationToken);
                    case ILocalReferenceOperation local when SingleInitializer(local) is { } initializer:
                        owner = initializer;
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// A settings type by the options pattern's naming convention: a class/record/struct (or a base type) named
        /// <c>*Settings</c>, <c>*Options</c>, <c>*Configuration</c> or <c>*Config</c>, that is not an entity type and not a
        /// framework type (EF Core's <c>DbContextOptions</c>, ASP.NET Core's and the BCL's options types).
        /// </summary>
        internal static bool IsSettingsType(EfCompilation ef, ITypeSymbol? type, CancellationToken cancellationToken)
        {
            if (type is not INamedTypeSymbol named || named.SpecialType != SpecialType.None
                || named.TypeKind is not (TypeKind.Class or TypeKind.Struct) || ef.Symbols.IsSequenceType(named)
                || ef.GetModel(cancellationToken).IsDeclaredEntityType(named))
            {
                return false;
            }

            for (var t = named; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                if (IsFrameworkType(t))
                {
                    return false;
                }

                foreach (var suffix in SettingsSuffixes)
                {
                    if (t.Name.EndsWith(suffix, StringComparison.Ordinal) && t.Name.Length > suffix.Length)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A sequence of a service type: its element is an interface or abstract class that declares methods (behaviour, not
        /// data), is not an entity type, and is not a BCL type (<c>IDisposable</c>, <c>IComparable</c>...).
        /// </summary>
        private static bool IsServiceSequence(EfCompilation ef, ITypeSymbol? sequence, CancellationToken cancellationToken)
        {
            if (!ef.Symbols.IsSequenceType(sequence) || ef.Symbols.IsQueryable(sequence) || sequence!.SpecialType == SpecialType.System_String)
            {
                return false;
            }

            var element = ef.Symbols.GetElementType(sequence) as INamedTypeSymbol;
            if (element is null || element.SpecialType != SpecialType.None || IsFrameworkType(element)
                || !(element.TypeKind == TypeKind.Interface || element is { TypeKind: TypeKind.Class, IsAbstract: true })
                || ef.Symbols.IsSequenceType(element) || ef.GetModel(cancellationToken).IsDeclaredEntityType(element))
            {
                return false;
            }

            return element.GetMembers().Concat(element.AllInterfaces.SelectMany(i => i.GetMembers()))
                .Any(m => m is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false });
        }

        /// <summary><c>ServiceProviderServiceExtensions.GetServices</c> (generic or by type): every registered implementation.</summary>
        private static bool IsGetServices(IMethodSymbol method)
            => method.Name == "GetServices"
               && method.ContainingType?.Name == "ServiceProviderServiceExtensions"
               && method.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.DependencyInjection";

        /// <summary><c>IOptions&lt;T&gt;</c>, <c>IOptionsSnapshot&lt;T&gt;</c>, <c>IOptionsMonitor&lt;T&gt;</c> (or a type implementing one).</summary>
        private static bool IsOptionsAccessor(ITypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
            {
                if (candidate.Name is "IOptions" or "IOptionsSnapshot" or "IOptionsMonitor"
                    && candidate.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Options")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Copies of the same set made outside <c>Enumerable</c> (<c>list.AsReadOnly()</c>, <c>ToImmutableArray()</c>...).</summary>
        private static bool IsCollectionCopy(IMethodSymbol method)
            => method.Name is "ToList" or "ToArray" or "ToHashSet" or "AsReadOnly" or "ToImmutableArray" or "ToImmutableList";

        private static bool IsFrameworkType(ITypeSymbol type)
        {
            var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
            return ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)
                   || ns.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                   || ns.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                   || ns.StartsWith("Microsoft.Extensions", StringComparison.Ordinal);
        }

        private static bool InNestedFunction(IOperation operation, IOperation body)
        {
            for (var current = operation.Parent; current is not null && current != body; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The collection of the foreach loop whose iteration variable <paramref name="reference"/> reads, if any.</summary>
        private static IOperation? IterationSource(ILocalReferenceOperation reference)
        {
            for (var current = reference.Parent; current is not null; current = current.Parent)
            {
                if (current is IForEachLoopOperation forEach && forEach.Locals.Contains(reference.Local, SymbolEqualityComparer.Default))
                {
                    return forEach.Collection;
                }
            }

            return null;
        }

        /// <summary>The initializer of a local that is never assigned again in its method (null otherwise).</summary>
        private static IOperation? SingleInitializer(ILocalReferenceOperation reference)
        {
            var local = reference.Local;
            IOperation? initializer = null;
            foreach (var op in reference.GetRootOperation().Descendants())
            {
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        initializer = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                        break;
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        return null;
                }
            }

            return initializer;
        }
    }
}
