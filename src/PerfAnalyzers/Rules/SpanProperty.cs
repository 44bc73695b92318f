using System.Globalization;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.Rules
{
    /// <summary>
    /// The one way a span travels from an analyzer to its fixer in a diagnostic property: <c>start:length</c>, invariant
    /// digits. Analyzers write it with <see cref="Format(TextSpan)"/>, fixers read it with <see cref="TryParse"/>.
    /// </summary>
    internal static class SpanProperty
    {
        public static string Format(TextSpan span)
            => span.Start.ToString(CultureInfo.InvariantCulture) + ":" + span.Length.ToString(CultureInfo.InvariantCulture);

        public static string Format(IOperation operation) => Format(operation.Syntax.Span);

        public static bool TryParse(string? text, out TextSpan span)
        {
            span = default;
            var parts = text?.Split(':');
            if (parts is not { Length: 2 }
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return false;
            }

            span = new TextSpan(start, length);
            return true;
        }
    }
}
