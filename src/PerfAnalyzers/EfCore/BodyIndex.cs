using System.Runtime.CompilerServices;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Per-body facts, computed once per body: every reference to and every write of each local, in the order a walk of
    /// the body meets them (the pre-order of <c>Descendants()</c>). A question about a local ("its
    /// assignments", "its reads") from an operation action is then a lookup, not a walk of the whole body: with N
    /// round trips in one method, N walks of the body made the rules quadratic in the method's size (issue 14).
    /// <para>Held weakly by the body's root operation (<c>GetRootOperation()</c>): it lives
    /// exactly as long as the operation tree does, and every rule analysing the same tree shares it.</para>
    /// </summary>
    internal sealed class BodyIndex
    {
        private static readonly ConditionalWeakTable<IOperation, BodyIndex> Indexes = new ConditionalWeakTable<IOperation, BodyIndex>();

        private static readonly IReadOnlyList<ILocalReferenceOperation> NoReferences = new ILocalReferenceOperation[0];

        private static readonly IReadOnlyList<IOperation> NoWrites = new IOperation[0];

        private readonly Dictionary<ILocalSymbol, List<ILocalReferenceOperation>> _references =
            new Dictionary<ILocalSymbol, List<ILocalReferenceOperation>>(SymbolEqualityComparer.Default);

        private readonly Dictionary<ILocalSymbol, List<IOperation>> _writes =
            new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);

        private readonly Dictionary<IParameterSymbol, List<IAssignmentOperation>> _parameterWrites =
            new Dictionary<IParameterSymbol, List<IAssignmentOperation>>(SymbolEqualityComparer.Default);

        private BodyIndex(IOperation root)
        {
            Root = root;
            var all = new List<IOperation>();
            foreach (var op in root.Descendants())
            {
                all.Add(op);
                switch (op)
                {
                    case ILocalReferenceOperation reference:
                        Add(_references, reference.Local, reference);
                        break;
                    case IVariableDeclaratorOperation declarator:
                        Add(_writes, declarator.Symbol, declarator);
                        break;
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                        Add(_writes, target.Local, assignment);
                        break;
                    case IAssignmentOperation { Target: IParameterReferenceOperation target } assignment:
                        Add(_parameterWrites, target.Parameter, assignment);
                        break;
                }

                switch (op)
                {
                    case IMemberReferenceOperation member:
                        Add(_members, member.Member.Name, member);
                        if (member is IMethodReferenceOperation)
                        {
                            _sourceCalls.Add(member);
                        }

                        break;
                    case IInvocationOperation invocation:
                        Add(_invocations, invocation.TargetMethod.Name, invocation);
                        if (invocation.TargetMethod.DeclaringSyntaxReferences.Length > 0)
                        {
                            _sourceCalls.Add(invocation);
                        }

                        break;
                }

                switch (op)
                {
                    case IBlockOperation block:
                        _declared.AddRange(block.Locals);
                        break;
                    case ILoopOperation loop:
                        _declared.AddRange(loop.Locals);
                        break;
                    case ICatchClauseOperation clause:
                        _declared.AddRange(clause.Locals);
                        break;
                    case IUsingOperation @using:
                        _declared.AddRange(@using.Locals);
                        break;
                    case ISwitchCaseOperation @case:
                        _declared.AddRange(@case.Locals);
                        break;
                    case ISwitchExpressionArmOperation arm:
                        _declared.AddRange(arm.Locals);
                        break;
                    case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol pattern }:
                        _declared.Add(pattern);
                        break;
                    case IRecursivePatternOperation { DeclaredSymbol: ILocalSymbol pattern }:
                        _declared.Add(pattern);
                        break;
                }
            }

            Operations = all;
            _declared.AddRange(_references.Keys);
            _declared.AddRange(_writes.Keys);
        }

        private readonly List<ILocalSymbol> _declared = new List<ILocalSymbol>();

        private readonly Dictionary<string, List<IMemberReferenceOperation>> _members = new Dictionary<string, List<IMemberReferenceOperation>>(System.StringComparer.Ordinal);

        private readonly Dictionary<string, List<IInvocationOperation>> _invocations = new Dictionary<string, List<IInvocationOperation>>(System.StringComparer.Ordinal);

        private readonly List<IOperation> _sourceCalls = new List<IOperation>();

        /// <summary>Every reference to a member (property, field, event, method group) named <paramref name="name"/>, in walk order.</summary>
        public IReadOnlyList<IMemberReferenceOperation> MemberReferences(string name)
            => _members.TryGetValue(name, out var list) ? list : (IReadOnlyList<IMemberReferenceOperation>)new IMemberReferenceOperation[0];

        /// <summary>Every invocation of a method named <paramref name="name"/>, in walk order.</summary>
        public IReadOnlyList<IInvocationOperation> Invocations(string name)
            => _invocations.TryGetValue(name, out var list) ? list : (IReadOnlyList<IInvocationOperation>)new IInvocationOperation[0];

        /// <summary>Every method group (<see cref="IMethodReferenceOperation"/>) and every call of a method with source, in walk order.</summary>
        public IReadOnlyList<IOperation> SourceCalls => _sourceCalls;

        /// <summary>
        /// Every local the body declares or uses (block, loop, catch, using, switch, pattern and declarator locals, and every
        /// referenced one), possibly with repeats: a superset of the locals in scope anywhere in the body.
        /// </summary>
        public IEnumerable<ILocalSymbol> Locals => _declared;

        /// <summary>The root operation of the body (the one without a parent).</summary>
        public IOperation Root { get; }

        /// <summary>Every operation of the body below the root, in the order of <c>Root.Descendants()</c>.</summary>
        public IReadOnlyList<IOperation> Operations { get; }

        /// <summary>The index of the body that holds <paramref name="operation"/> (built on first use).</summary>
        public static BodyIndex Of(IOperation operation) => Indexes.GetValue(operation.GetRootOperation(), root => new BodyIndex(root));

        /// <summary>
        /// Every reference to <paramref name="local"/> in <paramref name="body"/>, in walk order: from the index when the body
        /// is a whole operation tree (its root), by a walk of the body otherwise.
        /// </summary>
        public static IEnumerable<ILocalReferenceOperation> ReferencesIn(IOperation body, ILocalSymbol local)
        {
            var index = Of(body);
            return index.Root == body
                ? index.References(local)
                : body.Descendants().OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, local));
        }

        private readonly System.Collections.Concurrent.ConcurrentDictionary<object, object?> _facts = new System.Collections.Concurrent.ConcurrentDictionary<object, object?>();

        /// <summary>
        /// A fact about the whole body, computed once per body and shared by every rule: <paramref name="key"/> names the
        /// fact (a static object of the asking class). The computation must depend on the body and the compilation only.
        /// </summary>
        public T Fact<T>(object key, System.Func<BodyIndex, T> compute)
        {
            if (_facts.TryGetValue(key, out var known))
            {
                return (T)known!;
            }

            var value = compute(this);
            _facts.TryAdd(key, value);
            return value;
        }

        /// <summary>The names of the methods the body calls.</summary>
        public IEnumerable<string> InvokedMethodNames => _invocations.Keys;

        /// <summary>Every reference to <paramref name="local"/> in the body (declarations included), in walk order.</summary>
        public IReadOnlyList<ILocalReferenceOperation> References(ILocalSymbol local)
            => _references.TryGetValue(local, out var list) ? list : NoReferences;

        /// <summary>
        /// The declarators of <paramref name="local"/> (<see cref="IVariableDeclaratorOperation"/>) and every assignment
        /// whose target is the local (<see cref="IAssignmentOperation"/>: simple, compound, coalesce), in walk order.
        /// </summary>
        public IReadOnlyList<IOperation> Writes(ILocalSymbol local)
            => _writes.TryGetValue(local, out var list) ? list : NoWrites;

        /// <summary>Every assignment whose target is <paramref name="parameter"/> (simple, compound, coalesce), in walk order.</summary>
        public IReadOnlyList<IAssignmentOperation> Writes(IParameterSymbol parameter)
            => _parameterWrites.TryGetValue(parameter, out var list) ? list : NoParameterWrites;

        private static readonly IReadOnlyList<IAssignmentOperation> NoParameterWrites = new IAssignmentOperation[0];

        private static void Add<TKey, T>(Dictionary<TKey, List<T>> map, TKey local, T op)
        {
            if (!map.TryGetValue(local, out var list))
            {
                list = new List<T>();
                map.Add(local, list);
            }

            list.Add(op);
        }
    }
}
