using System.Collections.Concurrent;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Does each pass of this loop do work that dwarfs a database round trip?" — work outside the database that costs
    /// milliseconds to seconds per item: compressing or extracting an archive, running a process (an encoder, an
    /// installer), reading or writing a whole file, copying or moving files, deleting or moving folders, copying streams,
    /// HTTP calls, image processing (a stat, an existence check, a single file delete or a folder listing costs about what a
    /// round trip costs and does not count). A loop that packages a game folder, re-encodes a picture or runs <c>ffmpeg</c> per item spends its time
    /// there; the round trip next to it is not what makes the loop slow, and batching it changes nothing a user measures
    /// ("accurate but not worth acting on"). Looked for in the loop body and in the source methods it calls, up to
    /// <see cref="MaxDepth"/> calls deep (as deep as <see cref="RoundTripSummaries"/> follows a round trip), one cached answer
    /// per method and depth. A call is followed where the layer knows the body that runs (<see cref="RoundTripSummaries.ResolveTarget(IInvocationOperation)"/>):
    /// an interface or abstract method with one implementation in source is followed into it, so an HTTP client or a
    /// device API behind an injected <c>IXService</c> counts as it does when called directly.
    /// </summary>
    internal sealed class HeavyWork
    {
        private const int MaxDepth = RoundTripSummaries.MaxFurtherCalls;

        private readonly EfCompilation _ef;

        /// <summary>
        /// Per method, the answer for each number of further calls the look may still follow (index = that number): a
        /// function of the method and the depth alone, so an answer does not depend on which loop asked first (a "yes" found
        /// three calls down is not a "yes" for a caller that may look only one call down).
        /// </summary>
        private readonly ConcurrentDictionary<IMethodSymbol, int[]> _methods = new ConcurrentDictionary<IMethodSymbol, int[]>(SymbolEqualityComparer.Default);

        private const int Unknown = 0, No = 1, Yes = 2;

        public HeavyWork(EfCompilation ef) => _ef = ef;

        /// <summary>The loop body, or a source method it calls, does heavy non-database work on every pass.</summary>
        public bool InLoop(EnclosingLoop loop, CancellationToken cancellationToken)
            => InBody(loop.Body, MaxDepth, cancellationToken);

        private bool InBody(IOperation body, int depth, CancellationToken cancellationToken)
        {
            foreach (var op in body.Descendants())
            {
                if (op is not IInvocationOperation invocation || IsInCatchOrFinally(invocation, body))
                {
                    continue;
                }

                var method = invocation.TargetMethod;
                if (IsHeavy(method))
                {
                    return true;
                }

                if (depth > 0
                    && (method.Locations.Any(l => l.IsInSource) || method.ContainingType?.TypeKind == TypeKind.Interface || method.IsAbstract)
                    && _ef.Summaries.ResolveTarget(invocation) is { } target
                    && target.Locations.Any(l => l.IsInSource)
                    && MethodDoesHeavyWork(target.OriginalDefinition, depth - 1, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether <paramref name="method"/>'s body, or a method it calls within <paramref name="depth"/> further calls, does heavy work (a cycle ends with the depth).</summary>
        private bool MethodDoesHeavyWork(IMethodSymbol method, int depth, CancellationToken cancellationToken)
        {
            var answers = _methods.GetOrAdd(method, _ => new int[MaxDepth]);
            var known = Volatile.Read(ref answers[depth]);
            if (known != Unknown)
            {
                return known == Yes;
            }

            var body = SourceBodies.GetBody(_ef.Symbols.Compilation, method, cancellationToken);
            var result = body is not null && InBody(body, depth, cancellationToken);
            Volatile.Write(ref answers[depth], result ? Yes : No); // racing threads compute the same answer
            return result;
        }

        private static bool IsInCatchOrFinally(IOperation operation, IOperation boundary)
        {
            for (var current = operation.Parent; current is not null && current != boundary; current = current.Parent)
            {
                if (current is ICatchClauseOperation || (current.Parent is ITryOperation @try && @try.Finally == current))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A call to an API whose one call costs far more than a database round trip (see <see cref="HeavyWork"/>).</summary>
        internal static bool IsHeavy(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
            var name = method.Name;
            switch (ns)
            {
                case "System.IO.Compression":
                    return true; // ZipFile, ZipArchive, ZipFileExtensions, GZip/Brotli/Deflate streams
                case "System.Diagnostics" when type.Name == "Process":
                    return name is "Start" or "WaitForExit" or "WaitForExitAsync";
                case "System.IO":
                    // Whole-file reads and writes, copies and moves, recursive folder changes: not a stat or a single delete.
                    return type.Name switch
                    {
                        "File" => name is "Copy" or "Move" or "Replace" or "Encrypt" or "Decrypt"
                            || name.StartsWith("ReadAll", StringComparison.Ordinal) || name.StartsWith("WriteAll", StringComparison.Ordinal)
                            || name.StartsWith("AppendAll", StringComparison.Ordinal),
                        "Directory" => name is "Delete" or "Move",
                        "FileInfo" => name is "CopyTo" or "MoveTo" or "Replace" or "Encrypt" or "Decrypt",
                        "DirectoryInfo" => name is "Delete" or "MoveTo",
                        _ => name is "CopyTo" or "CopyToAsync" && InheritsFromStream(type),
                    };
                case "System.Net.Http" when type.Name is "HttpClient" or "HttpMessageInvoker":
                    return name.StartsWith("Send", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal)
                           || name.StartsWith("Post", StringComparison.Ordinal) || name.StartsWith("Put", StringComparison.Ordinal)
                           || name.StartsWith("Patch", StringComparison.Ordinal) || name.StartsWith("Delete", StringComparison.Ordinal);
            }

            // Process-running libraries: CliWrap's Cli.Wrap(..).ExecuteAsync()/ExecuteBufferedAsync(), SimpleExec's Command.Run*.
            if ((ns.StartsWith("CliWrap", StringComparison.Ordinal) && name.StartsWith("Execute", StringComparison.Ordinal))
                || (ns == "SimpleExec" && type.Name == "Command" && (name.StartsWith("Run", StringComparison.Ordinal) || name.StartsWith("Read", StringComparison.Ordinal))))
            {
                return true;
            }

            // Image processing libraries: decoding, resizing and encoding a picture.
            return ns.StartsWith("SixLabors.ImageSharp", StringComparison.Ordinal) || ns.StartsWith("SkiaSharp", StringComparison.Ordinal)
                   || ns.StartsWith("ImageMagick", StringComparison.Ordinal) || ns.StartsWith("NetVips", StringComparison.Ordinal)
                   || (ns.StartsWith("System.Drawing", StringComparison.Ordinal) && name is "Save" or "FromFile" or "FromStream" or "DrawImage");
        }

        private static bool InheritsFromStream(INamedTypeSymbol type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (t.Name == "Stream" && t.ContainingNamespace?.ToDisplayString() == "System.IO")
                {
                    return true;
                }
            }

            return false;
        }
    }
}
