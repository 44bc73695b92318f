namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does this operation run only on a cache miss?" — the cache-aside and memoisation shapes:
    /// <list type="bullet">
    /// <item>a factory lambda of <c>IMemoryCache.GetOrCreate(Async)</c>, <c>HybridCache.GetOrCreateAsync</c>,
    /// <c>ConcurrentDictionary.GetOrAdd/AddOrUpdate</c> (or an application method named <c>GetOrAdd*</c>/<c>GetOrCreate*</c>/
    /// <c>GetOrSet*</c>), or of any <c>Get*</c> method of a cache (<c>cache.GetAsync(key, () =&gt; load)</c>, the cache-manager
    /// shape of Smartstore, nopCommerce, EasyCaching); a local function passed there as a method group counts as its lambda
    /// (<see cref="IsCacheFactory"/>);</item>
    /// <item>the branch of an <c>if</c> taken on a miss: <c>if (!cache.TryGetValue(k, out v)) { v = load; }</c>,
    /// <c>if (_field == null) _field = load;</c>;</item>
    /// <item>code after an early return (or <c>continue</c>) on a hit: <c>if (cache.TryGetValue(k, out var v)) return v;</c>,
    /// <c>if (_field != null) return _field;</c>, <c>var v = cache.Get&lt;T&gt;(k); if (v != null) return v;</c>;</item>
    /// <item>the right side of <c>_field ??= load</c> or <c>_field ?? (_field = load)</c> (a field or property memo) or of <c>cache.Get(k) ?? load</c>;</item>
    /// <item>in a loop, the fill of a local the loop keeps (<see cref="IsLoopMemo"/>): <c>if (pages == null) pages = load;</c> or
    /// <c>pages ??= load</c> for a local declared before the loop;</item>
    /// <item>code after a hit exit of a look-up in an in-memory collection the caller passed (<see cref="IsPreloadLookup"/>:
    /// <c>var r = prefetched.Find(id); if (r != null) return r;</c>, <c>preload?.FirstOrDefault(..)</c>), also inside
    /// <c>if (prefetched != null) { .. }</c> (<see cref="LooksUpWhenGiven"/>).</item>
    /// </list>
    /// A cache is an <c>IMemoryCache</c>/<c>IDistributedCache</c>/<c>HybridCache</c>, a type whose name says it is one
    /// (<c>ICacheService</c>), a dictionary held in a field, property or parameter (a dictionary local to the method lives
    /// for one call and caches nothing across calls), or any store held in a field or property probed with
    /// <c>TryGet*(key, out value)</c>/<c>ContainsKey</c> (<c>FastConcurrentLru.TryGet</c>). A cache that is written but
    /// never read first does not count.
    /// </summary>
    internal static class CacheAside
    {
        /// <summary>Whether <paramref name="operation"/> runs only on a cache miss, judged up to <paramref name="boundary"/> (a loop body or a method body).</summary>
        public static bool IsOnMiss(IOperation operation, IOperation boundary)
        {
            IOperation child = operation;
            for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda when IsCacheFactory(lambda):
                        return true;

                    case ICoalesceAssignmentOperation coalesceAssignment when coalesceAssignment.Value == child
                                                                              && (IsMemo(coalesceAssignment.Target) || IsCacheRead(coalesceAssignment.Target)):
                        return true;

                    case ICoalesceOperation coalesce when coalesce.WhenNull == child && IsCacheRead(coalesce.Value):
                        return true;

                    // _field ?? (_field = load): the pre-C# 8 spelling of _field ??= load.
                    case ICoalesceOperation memo when memo.WhenNull == child && IsMemo(memo.Value)
                                                      && memo.WhenNull.WalkDownConversions() is ISimpleAssignmentOperation assignment
                                                      && SameMember(assignment.Target, memo.Value):
                        return true;

                    case IConditionalOperation conditional when conditional.Condition != child:
                        if ((conditional.WhenTrue == child && TestsMiss(conditional.Condition, current))
                            || (conditional.WhenFalse == child && TestsHit(conditional.Condition, current)))
                        {
                            return true;
                        }

                        break;
                }

                if (current.Parent is IBlockOperation block && FollowsHitExit(block, current))
                {
                    return true;
                }

                if (current == boundary)
                {
                    break;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether <paramref name="operation"/> fills a local that a loop keeps for its later iterations: a local declared
        /// before the loop (outside <paramref name="boundary"/>, the loop body or per-element lambda), filled on the first
        /// iteration that finds it empty, <c>if (pages == null) { pages = repo.GetPages(siteId).ToList(); }</c>,
        /// <c>if (pages is null) ...</c> or <c>pages ??= repo.GetPages(siteId).ToList();</c>, and written nowhere else in the
        /// loop. The round trip runs at most once per loop, not once per element.
        /// </summary>
        public static bool IsLoopMemo(IOperation operation, IOperation boundary)
        {
            IOperation child = operation;
            for (var current = operation.Parent; current is not null && current != boundary; child = current, current = current.Parent)
            {
                ILocalSymbol? memo = null;
                IOperation? fill = null;
                switch (current)
                {
                    case ICoalesceAssignmentOperation coalesceAssignment when coalesceAssignment.Value == child:
                        memo = (coalesceAssignment.Target.WalkDownConversions() as ILocalReferenceOperation)?.Local;
                        fill = coalesceAssignment;
                        break;
                    case IConditionalOperation { WhenFalse: null } conditional when conditional.WhenTrue == child:
                        memo = NullTestedLocal(conditional.Condition);
                        fill = conditional.WhenTrue;
                        break;
                }

                if (memo is not null && fill is not null && IsDeclaredOutside(memo, boundary) && WritesOnlyIn(memo, boundary, fill, mustWrite: fill is not ICoalesceAssignmentOperation))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The local tested by <c>local == null</c>, <c>null == local</c> or <c>local is null</c>.</summary>
        private static ILocalSymbol? NullTestedLocal(IOperation condition)
            => (condition.NonNullWhen(false) as ILocalReferenceOperation)?.Local;

        private static bool IsDeclaredOutside(ILocalSymbol local, IOperation boundary)
        {
            var span = boundary.Syntax.Span;
            var references = local.DeclaringSyntaxReferences;
            return references.Length > 0 && references.All(r => r.SyntaxTree != boundary.Syntax.SyntaxTree || !span.Contains(r.Span));
        }

        /// <summary>Every write to <paramref name="local"/> inside <paramref name="boundary"/> is inside <paramref name="fill"/> (and, when asked, there is one).</summary>
        private static bool WritesOnlyIn(ILocalSymbol local, IOperation boundary, IOperation fill, bool mustWrite)
        {
            var written = false;
            foreach (var op in boundary.Descendants())
            {
                if (op.WrittenTarget() is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                if (!fill.Syntax.Span.Contains(op.Syntax.Span))
                {
                    return false;
                }

                written = true;
            }

            return written || !mustWrite;
        }

        /// <summary>An earlier statement of the block is <c>if (&lt;hit&gt;) { ...; return/continue; }</c>.</summary>
        private static bool FollowsHitExit(IBlockOperation block, IOperation statement)
        {
            var index = block.Operations.IndexOf(statement);
            for (var i = 0; i < index; i++)
            {
                if (block.Operations[i] is IConditionalOperation { WhenFalse: null } guard
                    && (EndsWithExit(guard.WhenTrue) && TestsHit(guard.Condition, guard) || LooksUpWhenGiven(guard)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>if (prefetched != null) { var r = prefetched.Find(id); if (r != null) return r; }</c>: a look-up in a preload the
        /// caller may leave out, with an exit on a hit. A caller that passes one runs what follows only on a miss.
        /// </summary>
        private static bool LooksUpWhenGiven(IConditionalOperation guard)
        {
            if (guard.WhenTrue is not IBlockOperation block || !IsPresenceTest(guard.Condition))
            {
                return false;
            }

            foreach (var statement in block.Operations)
            {
                if (statement is IConditionalOperation { WhenFalse: null } exit && EndsWithExit(exit.WhenTrue) && TestsHit(exit.Condition, exit))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>p != null</c>, <c>p is not null</c>, <c>p is { }</c> for a parameter that holds a preload.</summary>
        private static bool IsPresenceTest(IOperation condition) => IsPreload(condition.NonNullWhen(true));

        private static bool EndsWithExit(IOperation branch)
        {
            var last = branch is IBlockOperation block ? block.Operations.LastOrDefault() : branch;
            return last is IReturnOperation or IBranchOperation { BranchKind: BranchKind.Continue };
        }

        /// <summary>The condition is true on a hit: <c>cache.TryGetValue(..)</c>, <c>dict.ContainsKey(..)</c>, <c>_memo != null</c>, <c>cached is not null</c>.</summary>
        private static bool TestsHit(IOperation condition, IOperation site)
        {
            condition = condition.WalkDownConversions();
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return TestsMiss(not.Operand, site);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                    return TestsHit(and.LeftOperand, site) || TestsHit(and.RightOperand, site);
                case IInvocationOperation invocation:
                    return IsCacheProbe(invocation);
                case IInvalidOperation invalid:
                    return IsUnboundProbe(invalid);
                default:
                    return condition.NonNullWhen(true) is { } value && IsCachedValue(value, site);
            }
        }

        /// <summary>
        /// <c>_cache.TryGet(id, out var item)</c> where the cache's package is not referenced (the call does not bind): a
        /// probe by its shape, on a field or property. Treating it as a cache can only hide a finding, never invent one.
        /// </summary>
        private static bool IsUnboundProbe(IInvalidOperation invalid)
        {
            if (invalid.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } access }
                || !(name.StartsWith("TryGet", System.StringComparison.Ordinal) || name == "ContainsKey"))
            {
                return false;
            }

            var receiver = invalid.SemanticModel?.GetOperation(access.Expression)?.WalkDownConversions();
            return receiver is IFieldReferenceOperation or IPropertyReferenceOperation;
        }

        /// <summary>The condition is true on a miss: <c>!cache.TryGetValue(..)</c>, <c>_memo == null</c>, <c>cached is null</c>.</summary>
        private static bool TestsMiss(IOperation condition, IOperation site)
        {
            condition = condition.WalkDownConversions();
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return TestsHit(not.Operand, site);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or:
                    return TestsMiss(or.LeftOperand, site) || TestsMiss(or.RightOperand, site);
                default:
                    return condition.NonNullWhen(false) is { } value && IsCachedValue(value, site);
            }
        }

        /// <summary>A memo field/property, a cache read, or a local whose value comes from a cache read (or a TryGetValue out).</summary>
        private static bool IsCachedValue(IOperation value, IOperation site)
        {
            value = value.WalkDownConversions();
            if (IsMemo(value) || IsCacheRead(value))
            {
                return true;
            }

            if (value is not ILocalReferenceOperation local)
            {
                return false;
            }

            // The local's declarators and references from the body's index, not a walk of the body per comparison (issue 14).
            var index = BodyIndex.Of(site);
            foreach (var write in index.Writes(local.Local))
            {
                if (write is IVariableDeclaratorOperation declarator
                    && (declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value) is { } initializer
                    && IsCacheRead(initializer))
                {
                    return true;
                }
            }

            // TryGetValue(key, out local) / TryGetValue(key, out var local) of a cache.
            foreach (var reference in index.References(local.Local))
            {
                IOperation current = reference;
                while (current.Parent is { } parent && parent is not IArgumentOperation)
                {
                    if (parent is not IDeclarationExpressionOperation)
                    {
                        break;
                    }

                    current = parent;
                }

                if (current.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Out } argument
                    && argument.Value == current
                    && argument.Value is ILocalReferenceOperation or IDeclarationExpressionOperation
                    && argument.Parent is IInvocationOperation invocation
                    && IsCacheProbe(invocation))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A settable field or property of this object (or a static one) that memoises a value across calls.</summary>
        private static bool IsMemo(IOperation target)
        {
            target = target.WalkDownConversions();
            return target switch
            {
                IFieldReferenceOperation field => !field.Field.IsConst && !field.Field.IsReadOnly && IsOwnOrStatic(field.Instance),
                IPropertyReferenceOperation property => !property.Property.IsIndexer && property.Property.SetMethod is not null && IsOwnOrStatic(property.Instance),
                _ => false,
            };
        }

        private static bool SameMember(IOperation a, IOperation b)
        {
            var left = a.WalkDownConversions() switch { IFieldReferenceOperation f => (ISymbol)f.Field, IPropertyReferenceOperation p => p.Property, _ => null };
            var right = b.WalkDownConversions() switch { IFieldReferenceOperation f => (ISymbol)f.Field, IPropertyReferenceOperation p => p.Property, _ => null };
            return left is not null && SymbolEqualityComparer.Default.Equals(left, right);
        }

        /// <summary>A member of this object or a static one (<c>post.Author</c> of an element is not a memo: it is per element).</summary>
        private static bool IsOwnOrStatic(IOperation? instance)
            => instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

        /// <summary><c>cache.TryGetValue(..)</c>, <c>dict.ContainsKey(..)</c>, <c>cache.TryGet*(..)</c> on a cache.</summary>
        /// <remarks>
        /// A probe (<c>TryGet*(key, out value)</c>, <c>ContainsKey</c>) on a store held in a field or property counts whatever
        /// its type (<c>FastConcurrentLru.TryGet</c>, an application's own cache): it outlives the call.
        /// </remarks>
        private static bool IsCacheProbe(IInvocationOperation invocation)
        {
            var name = invocation.TargetMethod.Name;
            if (!(name.StartsWith("TryGet", System.StringComparison.Ordinal) || name == "ContainsKey"))
            {
                return false;
            }

            var receiver = invocation.GetReceiverOrThisArgument();
            return IsCache(receiver) || receiver?.WalkDownConversions() is IFieldReferenceOperation or IPropertyReferenceOperation;
        }

        /// <summary>A read from a cache that yields the value or null: <c>cache.Get&lt;T&gt;(k)</c>, <c>GetString(Async)</c>, <c>dict.GetValueOrDefault(k)</c>.</summary>
        private static bool IsCacheRead(IOperation value)
        {
            return value.WalkDownAwait(out _, out _) switch
            {
                IInvocationOperation invocation => (invocation.TargetMethod.Name is "Get" or "GetAsync" or "GetString" or "GetStringAsync" or "GetValueOrDefault"
                                                    && IsCache(invocation.GetReceiverOrThisArgument()))
                                                   || IsPreloadLookup(invocation),
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer => IsCache(indexer.Instance),

                // preload?.Find(id): a preload the caller may leave out, looked up when given.
                IConditionalAccessOperation { WhenNotNull: IInvocationOperation { TargetMethod.Name: var name } } access => IsLookupName(name) && IsPreload(access.Operation),
                _ => false,
            };
        }

        /// <summary>
        /// Whether <paramref name="delegateValue"/> (a lambda, or the delegate created from a method group) is the factory
        /// argument of a cache-aside call: a <c>GetOrCreate*</c>/<c>GetOrAdd*</c>/<c>GetOrSet*</c> method, <c>AddOrUpdate</c> or a
        /// <c>Get*</c> method of a cache.
        /// </summary>
        public static bool IsCacheFactory(IOperation delegateValue)
        {
            IOperation? current = delegateValue.Parent;
            while (current is IDelegateCreationOperation or IConversionOperation)
            {
                current = current.Parent;
            }

            if (current is not IArgumentOperation { Parent: IInvocationOperation invocation })
            {
                return false;
            }

            var name = invocation.TargetMethod.Name;
            if (name.StartsWith("GetOrCreate", System.StringComparison.Ordinal) || name.StartsWith("GetOrAdd", System.StringComparison.Ordinal)
                || name.StartsWith("GetOrSet", System.StringComparison.Ordinal))
            {
                return true;
            }

            // cache.Get(key, () => load) / GetAsync(key, Load): a cache's getter that takes the loader runs it on a miss.
            return (name == "AddOrUpdate" || name.StartsWith("Get", System.StringComparison.Ordinal))
                   && IsCache(invocation.GetReceiverOrThisArgument());
        }

        /// <summary>
        /// An <c>IMemoryCache</c>/<c>IDistributedCache</c>/<c>HybridCache</c> (Microsoft.Extensions.Caching), or a
        /// dictionary (<c>IDictionary&lt;,&gt;</c>/<c>IReadOnlyDictionary&lt;,&gt;</c>) held in a field, property or parameter.
        /// </summary>
        private static bool IsCache(IOperation? receiver)
        {
            receiver = receiver?.WalkDownConversions();
            var type = receiver?.Type;
            if (type is null)
            {
                return false;
            }

            if (IsCachingType(type) || type.AllInterfaces.Any(IsCachingType))
            {
                return true;
            }

            // An application's own cache service (ICacheService, DistributedCacheWrapper...): only a name can tell.
            if (type.Name.IndexOf("Cache", System.StringComparison.Ordinal) >= 0 || type.AllInterfaces.Any(i => i.Name.IndexOf("Cache", System.StringComparison.Ordinal) >= 0))
            {
                return true;
            }

            var isDictionary = IsDictionary(type) || type.AllInterfaces.Any(IsDictionary);
            return isDictionary && receiver is IFieldReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation;
        }

        /// <summary>
        /// A look-up of one item in an in-memory collection the caller passed (<see cref="IsPreload"/>): <c>prefetched.Find(id)</c>,
        /// <c>loaded.FirstOrDefault(x => x.Id == id)</c>. The caller loaded it (Smartstore's <c>UrlServiceBatchScope</c> loads the
        /// URL records of a whole batch, then applies each slug with that collection): the query after a hit exit runs for
        /// what the preload did not hold.
        /// </summary>
        private static bool IsPreloadLookup(IInvocationOperation invocation)
            => IsLookupName(invocation.TargetMethod.Name) && IsPreload(invocation.GetReceiverOrThisArgument());

        /// <summary>A method that looks one item up and yields null on a miss.</summary>
        private static bool IsLookupName(string name) => name is "Find" or "FirstOrDefault" or "SingleOrDefault" or "LastOrDefault" or "GetValueOrDefault";

        /// <summary>
        /// A parameter holding an in-memory collection (an <c>IEnumerable&lt;T&gt;</c> that is not an <c>IQueryable</c>, not a
        /// string): what the caller loaded before calling, held across the caller's calls as a cache is.
        /// </summary>
        private static bool IsPreload(IOperation? receiver)
            => receiver?.WalkDownConversions() is IParameterReferenceOperation { Type: { } type } parameter
               && parameter.SemanticModel?.Compilation is { } compilation
               && EfCompilation.For(compilation)?.Symbols is { } symbols
               && symbols.IsSequenceType(type) && !symbols.IsQueryable(type);

        private static bool IsCachingType(ITypeSymbol type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (t.Name is "IMemoryCache" or "IDistributedCache" or "HybridCache"
                    && t.ContainingNamespace?.ToDisplayString().StartsWith("Microsoft.Extensions.Caching", System.StringComparison.Ordinal) == true)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsDictionary(ITypeSymbol type)
            => type is INamedTypeSymbol { Name: "IDictionary" or "IReadOnlyDictionary", Arity: 2 } named
               && named.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic";
    }
}
