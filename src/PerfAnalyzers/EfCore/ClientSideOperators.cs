namespace PerfAnalyzers.EfCore
{
    /// <summary>One LINQ to Objects step applied to the rows of a materialized query (<c>.Where(..)</c>, <c>.Count</c>).</summary>
    internal readonly struct ClientSideStep(IOperation operation, string name, OperatorKind kind, bool isTerminal, bool isMaterializer)
    {
        /// <summary>The invocation, or the <c>Count</c>/<c>Length</c> property reference.</summary>
        public IOperation Operation { get; } = operation;

        /// <summary>The Queryable operator that does the same work (<c>Count</c> for the Count/Length property).</summary>
        public string Name { get; } = name;

        /// <summary>The operator (<see cref="OperatorKind.Count"/> for the Count/Length property).</summary>
        public OperatorKind Kind { get; } = kind;

        /// <summary>Returns a single row or a scalar (Count, Any, First, Sum...): nothing can follow it in the query.</summary>
        public bool IsTerminal { get; } = isTerminal;

        /// <summary>ToList/ToArray/ToHashSet: materializes again; the database could have done the steps before it.</summary>
        public bool IsMaterializer { get; } = isMaterializer;

        public override string ToString() => Name;
    }

    /// <summary>
    /// What happens to a query's rows after they are materialized (<c>db.Posts.ToList().Where(..).Count()</c>): the LINQ to
    /// Objects steps that follow, and which of them the database could do instead because Queryable has the same operator
    /// and EF Core translates its lambdas. Used by EFP303 (premature materialization) and its fix.
    /// </summary>
    internal static class ClientSideOperators
    {
        /// <summary>Steps that keep a sequence (and that Queryable has).</summary>
        private static bool IsComposing(OperatorKind kind)
            => kind is OperatorKind.Where or OperatorKind.Select or OperatorKind.Skip or OperatorKind.Take || IsOrderingStep(kind);

        /// <summary>Steps that end the query with one row or a scalar.</summary>
        private static bool IsTerminalKind(OperatorKind kind)
            => kind is OperatorKind.Count or OperatorKind.LongCount or OperatorKind.Any or OperatorKind.All or OperatorKind.First
                or OperatorKind.FirstOrDefault or OperatorKind.Single or OperatorKind.SingleOrDefault or OperatorKind.Last
                or OperatorKind.LastOrDefault or OperatorKind.Sum or OperatorKind.Min or OperatorKind.Max or OperatorKind.Average
                or OperatorKind.ElementAt or OperatorKind.ElementAtOrDefault;

        /// <summary>Calls that materialize a query into memory (ToList, ToArray, ToHashSet and AsEnumerable; EF's Async forms too).</summary>
        internal static bool IsMaterializer(OperatorKind kind)
            => (QueryOperators.MeaningOf(kind) & OperatorMeaning.ToCollection) != 0 || kind == OperatorKind.AsEnumerable;

        private static bool IsOrderingStep(OperatorKind kind)
            => kind is OperatorKind.OrderBy or OperatorKind.OrderByDescending or OperatorKind.ThenBy or OperatorKind.ThenByDescending;

        private const int MaxSteps = 16;

        /// <summary>
        /// Skip, Take, a terminal, or a Where that tests the row's data: done by the database, the step means fewer rows
        /// cross the wire. <c>Where(e =&gt; e != null)</c> reads no column (a query's rows are never null) and filters nothing.
        /// </summary>
        public static bool ReducesRows(ClientSideStep step)
        {
            if (step.Kind is OperatorKind.Skip or OperatorKind.Take || IsTerminalKind(step.Kind))
            {
                return true;
            }

            return step.Kind == OperatorKind.Where && step.Operation is IInvocationOperation call
                   && call.Arguments.Any(a => a.Value.AsLambda() is { } lambda && ReadsMemberOfParameter(lambda));
        }

        private static bool ReadsMemberOfParameter(IAnonymousFunctionOperation lambda)
            => lambda.Symbol.Parameters.Length == 1
               && lambda.Body.Descendants().Any(o => o is IMemberReferenceOperation { Instance: { } instance }
                                                     && instance.WalkDownConversions() is IParameterReferenceOperation reference
                                                     && SymbolEqualityComparer.Default.Equals(reference.Parameter, lambda.Symbol.Parameters[0]));

        /// <summary>Count, Any, First, Sum...: the step ends the query with one row or a scalar.</summary>
        public static bool IsTerminal(string name) => IsTerminalKind(QueryOperators.KindOfName(name));

        /// <summary>
        /// The LINQ to Objects steps chained after <paramref name="sequence"/> (a value holding the materialized rows), in
        /// order, stopping after a terminal, a second materializer, or anything else.
        /// </summary>
        public static ImmutableArray<ClientSideStep> StepsAfter(IOperation sequence, EfSymbols symbols)
        {
            var steps = ImmutableArray.CreateBuilder<ClientSideStep>();
            var current = sequence;
            while (steps.Count < MaxSteps)
            {
                var parent = current.Parent;
                while (parent is IConversionOperation || parent is IParenthesizedOperation)
                {
                    current = parent;
                    parent = parent.Parent;
                }

                if (parent is IPropertyReferenceOperation { Property.Name: "Count" or "Length" or "LongLength" } property
                    && property.Instance == current && !property.Property.IsStatic && IsCollection(property.Instance.Type, symbols))
                {
                    steps.Add(new ClientSideStep(property, property.Property.Name == "LongLength" ? "LongCount" : "Count", property.Property.Name == "LongLength" ? OperatorKind.LongCount : OperatorKind.Count, isTerminal: true, isMaterializer: false));
                    break;
                }

                if (parent is not IArgumentOperation { Parameter.Ordinal: 0 } argument
                    || argument.Parent is not IInvocationOperation call
                    || !call.TargetMethod.IsExtensionMethod
                    || !symbols.IsEnumerableMethod(call.TargetMethod))
                {
                    break;
                }

                var name = call.TargetMethod.Name;
                var kind = symbols.Operators.Kind(call.TargetMethod);
                if (IsTerminalKind(kind))
                {
                    steps.Add(new ClientSideStep(call, name, kind, isTerminal: true, isMaterializer: false));
                    break;
                }

                if (IsMaterializer(kind) && kind != OperatorKind.AsEnumerable)
                {
                    steps.Add(new ClientSideStep(call, name, kind, isTerminal: false, isMaterializer: true));
                    break;
                }

                if (!IsComposing(kind))
                {
                    break;
                }

                steps.Add(new ClientSideStep(call, name, kind, isTerminal: false, isMaterializer: false));
                current = call;
            }

            return steps.ToImmutable();
        }

        /// <summary>
        /// How many of <paramref name="steps"/>, from the first, the database could do instead (the same Queryable operator,
        /// lambdas EF Core translates in <paramref name="mode"/>), over rows of <paramref name="elementType"/>. A
        /// materializer step is never counted. <paramref name="ordered"/>: the query before the steps has an OrderBy.
        /// <paramref name="operatorExists"/>: whether a terminal step can be done (its Async form, after ToListAsync).
        /// </summary>
        public static int MovableCount(ImmutableArray<ClientSideStep> steps, ITypeSymbol? elementType, ITypeSymbol? entityType, bool ordered, TranslationMode mode, System.Func<string, bool>? operatorExists = null)
        {
            var count = 0;
            var element = elementType;
            foreach (var step in steps)
            {
                if (step.IsMaterializer || !IsMovable(step, element, entityType, ref ordered, mode, out var nextElement)
                    || (step.IsTerminal && operatorExists is not null && !operatorExists(step.Name)))
                {
                    break;
                }

                element = nextElement;
                count++;
                if (step.IsTerminal)
                {
                    break;
                }
            }

            return count;
        }

        private static bool IsMovable(ClientSideStep step, ITypeSymbol? element, ITypeSymbol? entityType, ref bool ordered, TranslationMode mode, out ITypeSymbol? nextElement)
        {
            nextElement = element;
            if (step.Operation is not IInvocationOperation call)
            {
                return true; // list.Count / array.Length
            }

            var name = step.Name;
            IAnonymousFunctionOperation? lambda = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is null)
                {
                    return false;
                }

                if (argument.Parameter.Ordinal == 0)
                {
                    continue;
                }

                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                if (argument.Value.AsLambda() is { } candidate && lambda is null && candidate.Symbol.Parameters.Length == 1)
                {
                    lambda = candidate;
                    continue;
                }

                // Skip(n), Take(n), ElementAt(i): an int computed on the client is a parameter.
                if (argument.Parameter.Type.SpecialType == SpecialType.System_Int32 && (name is "Skip" or "Take" or "ElementAt" or "ElementAtOrDefault"))
                {
                    continue;
                }

                return false; // a comparer, a Func variable, an index-taking lambda, a default value...
            }

            if (lambda is not null)
            {
                // Lambdas are translated over entities (and anonymous projections of them), never over DTOs made on the client.
                if (!IsTranslatableElement(element, entityType) || !Translatability.IsTranslatable(lambda, mode))
                {
                    return false;
                }

                var returned = lambda.Symbol.ReturnType;
                if (mode == TranslationMode.SameResults && returned.SpecialType == SpecialType.System_String
                    && (IsOrderingStep(step.Kind) || step.Kind is OperatorKind.Min or OperatorKind.Max))
                {
                    return false; // the database orders strings by its collation, C# by the current culture
                }

                if (name == "Select")
                {
                    nextElement = returned;
                }
            }
            else if (name is "Sum" or "Average" or "Min" or "Max")
            {
                if (!IsNumeric(element))
                {
                    return false; // Max() over entities compares objects
                }
            }
            else if (name is "Where" or "Select" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "All")
            {
                return false; // no lambda where one is needed: a method group or a delegate
            }

            if (IsOrderingStep(step.Kind))
            {
                ordered = true;
            }

            if (mode == TranslationMode.SameResults && name is "Last" or "LastOrDefault" && !ordered)
            {
                return false; // EF Core refuses Last without OrderBy
            }

            return true;
        }

        private static bool IsTranslatableElement(ITypeSymbol? element, ITypeSymbol? entityType)
            => element is not null
               && (element is INamedTypeSymbol { IsAnonymousType: true }
                   || (entityType is not null && EfSymbols.InheritsFrom(element, entityType)));

        private static bool IsNumeric(ITypeSymbol? type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            return type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Decimal
                or SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int16 or SpecialType.System_Byte;
        }

        private static bool IsCollection(ITypeSymbol? type, EfSymbols symbols)
            => type is IArrayTypeSymbol || symbols.IsList(type) || (type is INamedTypeSymbol named && named.OriginalDefinition.Name == "HashSet");
    }
}
