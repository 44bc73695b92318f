using PerfAnalyzers.Baseline;

namespace PerfAnalyzers.Rules.Suppressions
{
    /// <summary>
    /// EFPS007: suppresses the EFP findings listed in <c>perfanalyzers.baseline.json</c> (an AdditionalFile; the package's
    /// build targets add the nearest one above the project), so a legacy codebase can adopt the analyzers and fail CI only
    /// on new findings. A finding matches an entry by <see cref="BaselineKey"/> (rule, file, member, statement
    /// fingerprint; never the line), and an entry with count N suppresses at most N findings with its key. An unreadable
    /// baseline suppresses nothing.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BaselineSuppressor : DiagnosticSuppressor
    {
        public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = Descriptors.EFPS007_Baseline();

        public override void ReportSuppressions(SuppressionAnalysisContext context)
        {
            var baselines = new List<(string Directory, Dictionary<BaselineKey, int> Remaining)>();
            var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var file in context.Options.AdditionalFiles)
            {
                // A file passed twice (the project lists it and so do the package's targets) counts once.
                if (!string.Equals(FileName(file.Path), BaselineFile.FileName, StringComparison.OrdinalIgnoreCase)
                    || !paths.Add(file.Path.Replace('\\', '/'))
                    || file.GetText(context.CancellationToken) is not { } text
                    || BaselineFile.Parse(text.ToString()) is not { } entries)
                {
                    continue;
                }

                baselines.Add((DirectoryName(file.Path), BaselineFile.Counts(entries)));
            }

            if (baselines.Count == 0)
            {
                return;
            }

            // In source order, so that when a key has more findings than its count, the same ones stay suppressed every time.
            var candidates = context.ReportedDiagnostics
                .Where(d => d.Location.IsInSource && d.Location.SourceTree is not null && Find(d.Id) is not null)
                .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ThenBy(d => d.Id, StringComparer.Ordinal);
            foreach (var diagnostic in candidates)
            {
                var tree = diagnostic.Location.SourceTree!;
                var root = tree.GetRoot(context.CancellationToken);
                foreach (var (directory, remaining) in baselines)
                {
                    var key = BaselineKey.Create(diagnostic.Id, tree.FilePath, directory, root, diagnostic.Location.SourceSpan.Start, out _);
                    if (remaining.TryGetValue(key, out var count) && count > 0)
                    {
                        remaining[key] = count - 1;
                        context.ReportSuppression(Suppression.Create(Find(diagnostic.Id)!, diagnostic));
                        break;
                    }
                }
            }
        }

        private SuppressionDescriptor? Find(string id)
        {
            foreach (var descriptor in SupportedSuppressions)
            {
                if (descriptor.SuppressedDiagnosticId == id)
                {
                    return descriptor;
                }
            }

            return null;
        }

        private static string FileName(string path)
        {
            var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return path.Substring(slash + 1);
        }

        private static string DirectoryName(string path)
        {
            var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return slash <= 0 ? (slash == 0 ? "/" : "") : path.Substring(0, slash);
        }
    }
}
