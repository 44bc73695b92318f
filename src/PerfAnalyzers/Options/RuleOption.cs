using System.Globalization;

namespace PerfAnalyzers.Options
{
    /// <summary>
    /// One setting a rule reads from <c>.editorconfig</c> or a global config: <c>dotnet_code_quality.&lt;rule&gt;.&lt;name&gt;</c>,
    /// falling back to the global <c>dotnet_code_quality.&lt;name&gt;</c> (the convention of the .NET analyzers). Declared
    /// once in <see cref="RuleOptions"/>, with the rules that read it, its default and the sentence the docs pages give;
    /// the Meta guard tests check that every rule's page documents every option the rule reads.
    /// </summary>
    internal abstract class RuleOption
    {
        private const string Prefix = "dotnet_code_quality.";

        protected RuleOption(string name, string defaultText, string description, string[] ruleIds)
        {
            Name = name;
            DefaultText = defaultText;
            Description = description;
            RuleIds = ruleIds.ToImmutableArray();
            _globalKey = Prefix + name;
            _ruleKeys = ruleIds.Distinct().ToImmutableDictionary(id => id, id => Prefix + id + "." + name);
        }

        // The keys, built once: options are read per operation, and building the strings per read showed in the
        // profiles of real builds (issue 14).
        private readonly string _globalKey;
        private readonly ImmutableDictionary<string, string> _ruleKeys;

        /// <summary>The key after <c>dotnet_code_quality.</c> (and after the rule ID, when given per rule).</summary>
        public string Name { get; }

        /// <summary>The value used when the option is not set, as a user would write it.</summary>
        public string DefaultText { get; }

        /// <summary>What the option does, in one sentence.</summary>
        public string Description { get; }

        /// <summary>The rules that read this option; each one's docs page documents it.</summary>
        public ImmutableArray<string> RuleIds { get; }

        /// <summary>The per-rule key, e.g. <c>dotnet_code_quality.EFP104.round_trip_types</c>.</summary>
        public string KeyFor(string ruleId) => _ruleKeys.TryGetValue(ruleId, out var key) ? key : Prefix + ruleId + "." + Name;

        /// <summary>The raw value for <paramref name="ruleId"/> (the per-rule key, then the global one), or null when unset.</summary>
        protected string? ReadRaw(AnalyzerOptions options, SyntaxTree tree, string ruleId)
        {
            var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            if (config.TryGetValue(KeyFor(ruleId), out var value) || config.TryGetValue(_globalKey, out value))
            {
                return value;
            }

            return null;
        }
    }

    /// <summary>A <c>true</c>/<c>false</c> option; anything but <c>true</c> (any case) is false.</summary>
    internal sealed class BoolOption : RuleOption
    {
        public BoolOption(string name, string description, params string[] ruleIds)
            : base(name, "false", description, ruleIds)
        {
        }

        public bool Read(AnalyzerOptions options, SyntaxTree tree, string ruleId)
            => string.Equals(ReadRaw(options, tree, ruleId)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A positive whole number; an unset, unparsable or non-positive value gives the default.</summary>
    internal sealed class PositiveIntOption : RuleOption
    {
        private readonly int _default;

        public PositiveIntOption(string name, int defaultValue, string description, params string[] ruleIds)
            : base(name, defaultValue.ToString(CultureInfo.InvariantCulture), description, ruleIds)
        {
            _default = defaultValue;
        }

        public int Read(AnalyzerOptions options, SyntaxTree tree, string ruleId)
            => int.TryParse(ReadRaw(options, tree, ruleId)?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed
                : _default;
    }

    /// <summary>A list of names separated by commas, semicolons or spaces; unset gives an empty list.</summary>
    internal sealed class NameListOption : RuleOption
    {
        private static readonly char[] Separators = { ',', ';', ' ', '\t' };

        public NameListOption(string name, string description, params string[] ruleIds)
            : base(name, "(empty)", description, ruleIds)
        {
        }

        public ImmutableArray<string> Read(AnalyzerOptions options, SyntaxTree tree, string ruleId)
        {
            var value = ReadRaw(options, tree, ruleId);
            return value is null
                ? ImmutableArray<string>.Empty
                : value.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim()).Where(n => n.Length > 0).ToImmutableArray();
        }
    }
}
