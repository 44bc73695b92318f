namespace PerfAnalyzers.EfCore
{
    /// <summary>Why a part of a query lambda cannot be translated.</summary>
    internal enum UntranslatableKind
    {
        /// <summary>A method declared in the application: EF Core cannot see into compiled code.</summary>
        ApplicationMethod,

        /// <summary>A property EF Core does not map (computed in C#, [NotMapped], ignored).</summary>
        UnmappedProperty,

        /// <summary>A BCL member the referenced provider(s) do not translate (<see cref="ProviderTranslations"/>).</summary>
        NotTranslatedByProvider,
    }

    /// <summary>One part of a query lambda that EF Core cannot translate.</summary>
    internal readonly struct UntranslatablePart(IOperation operation, Location location, string name, UntranslatableKind kind, string detail)
    {
        public IOperation Operation { get; } = operation;

        /// <summary>The member's name (the smallest meaningful span).</summary>
        public Location Location { get; } = location;

        /// <summary>How the part is named in a message: <c>Normalize</c>, <c>FullName</c>, <c>string.Format</c>.</summary>
        public string Name { get; } = name;

        public UntranslatableKind Kind { get; } = kind;

        /// <summary>The reason in words ("computed in C#", "SQLite").</summary>
        public string Detail { get; } = detail;
    }

    /// <summary>
    /// The parts of a query lambda that make EF Core throw "could not be translated" when the query runs: a call or a
    /// member read that depends on the row (a lambda parameter) and that no referenced provider translates. Parts that do
    /// not touch the row are evaluated once on the client and sent as parameters (EF's funcletizer), so
    /// <c>x.Date &gt; Clock.Now()</c> and <c>x.Name == Normalize(term)</c> are fine. A deny-list, unlike
    /// <see cref="Translatability"/>'s allow-list: only what is known to throw is returned, so unknown members of other
    /// libraries (NodaTime, NetTopologySuite, JSON, provider functions) are never blamed. The outermost untranslatable part
    /// is returned, not the parts inside it.
    /// </summary>
    internal static class UntranslatableParts
    {
        private const int MaxOperations = 2000;

        public static List<UntranslatablePart> Find(EfCompilation ef, IAnonymousFunctionOperation lambda)
        {
            var found = new List<UntranslatablePart>();
            var providers = ef.Providers;
            if (providers.OnlyNonRelational)
            {
                return found; // InMemory/Cosmos only: their own rules
            }

            var all = lambda.DescendantsAndSelf().Take(MaxOperations + 1).ToList();
            if (all.Count > MaxOperations || all.Any(o => o is IInvalidOperation || o.Type is { TypeKind: TypeKind.Error }))
            {
                return found; // too large, or code that does not bind: never a finding
            }

            var lambdaParameters = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            foreach (var nested in all.OfType<IAnonymousFunctionOperation>())
            {
                lambdaParameters.UnionWith(nested.Symbol.Parameters);
            }

            var touches = new HashSet<IOperation>();
            FreeParameters(lambda.Body, lambdaParameters, touches, depth: 0);
            Visit(ef, lambda.Body, touches, providers.ForTranslationTables, found, depth: 0);
            return found;
        }

        /// <summary>
        /// Marks every operation whose value depends on a lambda parameter declared outside it (post-order): the row, or the
        /// element of a nested lambda it is part of. What binds its own parameters (<c>list.Select(l =&gt; F(l))</c>) and
        /// references nothing else is evaluated on the client as a whole, as EF Core's funcletizer does.
        /// </summary>
        private static HashSet<IParameterSymbol>? FreeParameters(IOperation operation, HashSet<IParameterSymbol> lambdaParameters, HashSet<IOperation> touches, int depth)
        {
            HashSet<IParameterSymbol>? free = null;
            if (operation is IParameterReferenceOperation reference && lambdaParameters.Contains(reference.Parameter))
            {
                free = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default) { reference.Parameter };
            }

            if (depth < 100)
            {
                foreach (var child in operation.ChildOperations)
                {
                    if (FreeParameters(child, lambdaParameters, touches, depth + 1) is { } childFree)
                    {
                        if (free is null)
                        {
                            free = childFree;
                        }
                        else
                        {
                            free.UnionWith(childFree);
                        }
                    }
                }
            }

            if (free is not null && operation is IAnonymousFunctionOperation lambda)
            {
                foreach (var parameter in lambda.Symbol.Parameters)
                {
                    free.Remove(parameter);
                }
            }

            if (free is { Count: > 0 })
            {
                touches.Add(operation);
                return free;
            }

            return null;
        }

        private static void Visit(EfCompilation ef, IOperation operation, HashSet<IOperation> touches, EfProvider tables, List<UntranslatablePart> found, int depth)
        {
            if (depth > 100 || (!touches.Contains(operation) && !IsLambda(operation)))
            {
                return; // evaluated on the client and sent as a parameter
            }

            if (Check(ef, operation, touches, tables) is { } part)
            {
                found.Add(part);
                return;
            }

            foreach (var child in operation.ChildOperations)
            {
                Visit(ef, child, touches, tables, found, depth + 1);
            }
        }

        /// <summary>
        /// A lambda passed to an operator of the translated part (<c>b.Posts.Any(p =&gt; ..)</c>): EF Core translates it, never
        /// evaluates it, even when it reads nothing but its own parameters.
        /// </summary>
        private static bool IsLambda(IOperation operation)
        {
            var current = operation;
            for (var depth = 0; depth < 4; depth++)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation:
                        return true;
                    case IArgumentOperation argument:
                        current = argument.Value;
                        break;
                    case IConversionOperation conversion:
                        current = conversion.Operand;
                        break;
                    case IDelegateCreationOperation creation:
                        current = creation.Target;
                        break;
                    default:
                        return false;
                }
            }

            return false;
        }

        private static UntranslatablePart? Check(EfCompilation ef, IOperation operation, HashSet<IOperation> touches, EfProvider tables)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                {
                    var method = invocation.TargetMethod;
                    if (IsApplicationMethod(ef, method))
                    {
                        return new UntranslatablePart(invocation, invocation.GetMethodNameLocation(), method.Name, UntranslatableKind.ApplicationMethod, "a method of this application");
                    }

                    return ByProvider(invocation, invocation.GetMethodNameLocation(), Describe(method), ProviderTranslations.UntranslatedOn(method), tables);
                }

                case IPropertyReferenceOperation { Instance: { } instance } property when touches.Contains(instance):
                {
                    var location = property.Syntax is MemberAccessExpressionSyntax access ? access.Name.GetLocation() : property.Syntax.GetLocation();
                    if (!ef.Model.HasOwnMemberTranslator && ef.Model.UnmappedReason(property.Property) is { } reason)
                    {
                        return new UntranslatablePart(property, location, property.Property.Name, UntranslatableKind.UnmappedProperty, reason);
                    }

                    var name = property.Property.IsIndexer ? property.Property.ContainingType.Name.ToLowerInvariant() + "[index]" : property.Property.ContainingType.Name + "." + property.Property.Name;
                    return ByProvider(property, location, name, ProviderTranslations.UntranslatedOn(property.Property), tables);
                }

                case IInterpolatedStringOperation interpolated:
                    return ByProvider(interpolated, interpolated.Syntax.GetLocation(), "$\"..\"", ProviderTranslations.InterpolatedString, tables);

                case IObjectCreationOperation { Constructor: { } constructor } creation:
                    return ByProvider(creation, creation.Syntax.GetLocation(), "new " + constructor.ContainingType.Name + "(..)", ProviderTranslations.UntranslatedOnConstructor(constructor), tables);

                default:
                    return null;
            }
        }

        private static UntranslatablePart? ByProvider(IOperation operation, Location location, string name, EfProvider untranslatedOn, EfProvider tables)
        {
            if (tables == EfProvider.None || untranslatedOn == EfProvider.None || (untranslatedOn & tables) != tables)
            {
                return null; // translated by one of the providers the application may run on, or nothing known
            }

            return new UntranslatablePart(operation, location, name, UntranslatableKind.NotTranslatedByProvider, ReferencedProviders.Describe(tables));
        }

        /// <summary>
        /// A method declared in this compilation's source that EF Core cannot see into: not a database function, not
        /// expanded by a library, not an override of an object method EF handles (Equals, ToString...), not an
        /// expression factory.
        /// </summary>
        private static bool IsApplicationMethod(EfCompilation ef, IMethodSymbol method)
        {
            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            if (definition.MethodKind != MethodKind.Ordinary
                || definition.DeclaringSyntaxReferences.Length == 0
                || definition.IsOverride
                || definition.Name is "Equals" or "ToString" or "GetHashCode" or "CompareTo"
                || definition.ExplicitInterfaceImplementations.Length > 0
                || definition.ReturnType is INamedTypeSymbol { Name: "Expression" } returned && returned.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions"
                || ef.Model.HasOwnMethodTranslator)
            {
                return false;
            }

            return !ef.Model.IsExpandedOrMapped(definition);
        }

        private static string Describe(IMethodSymbol method)
        {
            var definition = method.ReducedFrom ?? method;
            var type = definition.ContainingType;
            var typeName = type.SpecialType switch
            {
                SpecialType.System_String => "string",
                SpecialType.System_Int32 => "int",
                SpecialType.System_Int64 => "long",
                SpecialType.System_Decimal => "decimal",
                SpecialType.System_Double => "double",
                SpecialType.System_Boolean => "bool",
                SpecialType.System_Char => "char",
                _ => type.Name,
            };
            return typeName + "." + definition.Name;
        }
    }
}
