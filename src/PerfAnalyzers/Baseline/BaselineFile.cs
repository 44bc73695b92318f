using System.Globalization;
using System.Text;

namespace PerfAnalyzers.Baseline
{
    /// <summary>One entry of the baseline: a key and how many findings with that key are accepted.</summary>
    internal sealed class BaselineEntry(BaselineKey key, int count, string? code)
    {
        public BaselineKey Key { get; } = key;

        public int Count { get; } = count;

        /// <summary>The normalized statement, for people reviewing the file; never compared.</summary>
        public string? Code { get; } = code;
    }

    /// <summary>
    /// <c>perfanalyzers.baseline.json</c>: read by the baseline suppressor (EFPS007) and written by the CLI. The reader is a
    /// small JSON parser of its own (the analyzer ships without dependencies); anything it cannot read gives no baseline,
    /// so nothing is suppressed.
    /// </summary>
    internal static class BaselineFile
    {
        public const string FileName = "perfanalyzers.baseline.json";

        public const int Version = 1;

        /// <summary>The entries of <paramref name="json"/>, or null when it is not a version-1 baseline.</summary>
        public static IReadOnlyList<BaselineEntry>? Parse(string json)
        {
            try
            {
                var reader = new JsonReader(json);
                var value = reader.ReadDocument();
                if (value is not Dictionary<string, object?> document
                    || !document.TryGetValue("version", out var version) || version is not double v || v != Version
                    || !document.TryGetValue("entries", out var entriesValue) || entriesValue is not List<object?> entries)
                {
                    return null;
                }

                var result = new List<BaselineEntry>(entries.Count);
                foreach (var item in entries)
                {
                    if (item is not Dictionary<string, object?> entry
                        || Get(entry, "rule") is not { Length: > 0 } rule
                        || Get(entry, "file") is not { Length: > 0 } file
                        || Get(entry, "member") is not { } member
                        || Get(entry, "fingerprint") is not { Length: > 0 } fingerprint)
                    {
                        return null;
                    }

                    var count = 1;
                    if (entry.TryGetValue("count", out var c))
                    {
                        if (c is not double d || d < 1 || d != Math.Floor(d) || d > int.MaxValue)
                        {
                            return null;
                        }

                        count = (int)d;
                    }

                    result.Add(new BaselineEntry(new BaselineKey(rule, file, member, fingerprint), count, Get(entry, "code")));
                }

                return result;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        /// <summary>Accepted findings per key (entries with the same key add up).</summary>
        public static Dictionary<BaselineKey, int> Counts(IEnumerable<BaselineEntry> entries)
        {
            var counts = new Dictionary<BaselineKey, int>();
            foreach (var entry in entries)
            {
                counts.TryGetValue(entry.Key, out var n);
                counts[entry.Key] = n + entry.Count;
            }

            return counts;
        }

        /// <summary>
        /// Entries for the findings of several compilations (one per project and target framework): a key's count is
        /// the most findings one compilation has with it, since each compilation is checked against the file on its own
        /// (a file compiled for two target frameworks, or linked into two projects, does not double its count).
        /// </summary>
        public static List<BaselineEntry> FromFindings(IEnumerable<IEnumerable<(BaselineKey Key, string Code)>> compilations)
        {
            var counts = new Dictionary<BaselineKey, (int Count, string Code)>();
            foreach (var compilation in compilations)
            {
                foreach (var group in compilation.GroupBy(f => f.Key))
                {
                    var n = group.Count();
                    if (!counts.TryGetValue(group.Key, out var known) || known.Count < n)
                    {
                        counts[group.Key] = (n, group.First().Code);
                    }
                }
            }

            return counts.Select(c => new BaselineEntry(c.Key, c.Value.Count, c.Value.Code)).ToList();
        }

        /// <summary>The file text: entries sorted by file, member, rule and fingerprint, one field per line, '\n' line ends.</summary>
        public static string Write(IEnumerable<BaselineEntry> entries)
        {
            var sorted = entries
                .OrderBy(e => e.Key.File, StringComparer.Ordinal)
                .ThenBy(e => e.Key.Member, StringComparer.Ordinal)
                .ThenBy(e => e.Key.Rule, StringComparer.Ordinal)
                .ThenBy(e => e.Key.Fingerprint, StringComparer.Ordinal)
                .ToList();
            var text = new StringBuilder();
            text.Append("{\n");
            text.Append("  \"version\": ").Append(Version.ToString(CultureInfo.InvariantCulture)).Append(",\n");
            text.Append("  \"description\": \"PerfAnalyzers findings accepted when this file was written; the build suppresses them (EFPS007). Regenerate with: perfanalyzers baseline <solution|project>\",\n");
            text.Append("  \"entries\": [");
            for (var i = 0; i < sorted.Count; i++)
            {
                var e = sorted[i];
                text.Append(i == 0 ? "\n" : ",\n");
                text.Append("    {\n");
                text.Append("      \"rule\": ").Append(Quote(e.Key.Rule)).Append(",\n");
                text.Append("      \"file\": ").Append(Quote(e.Key.File)).Append(",\n");
                text.Append("      \"member\": ").Append(Quote(e.Key.Member)).Append(",\n");
                text.Append("      \"fingerprint\": ").Append(Quote(e.Key.Fingerprint)).Append(",\n");
                text.Append("      \"count\": ").Append(e.Count.ToString(CultureInfo.InvariantCulture));
                if (e.Code is not null)
                {
                    text.Append(",\n      \"code\": ").Append(Quote(e.Code.Length > 200 ? e.Code.Substring(0, 200) + "..." : e.Code));
                }

                text.Append("\n    }");
            }

            text.Append(sorted.Count == 0 ? "]\n" : "\n  ]\n");
            text.Append("}\n");
            return text.ToString();
        }

        private static string? Get(Dictionary<string, object?> entry, string name)
            => entry.TryGetValue(name, out var value) ? value as string : null;

        private static string Quote(string s)
        {
            var text = new StringBuilder(s.Length + 2).Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    default:
                        if (c < ' ')
                        {
                            text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            text.Append(c);
                        }

                        break;
                }
            }

            return text.Append('"').ToString();
        }

        /// <summary>
        /// A strict JSON reader: objects (Dictionary), arrays (List), strings, numbers (double), true/false/null.
        /// Throws <see cref="FormatException"/> on anything else; depth is capped so hostile input cannot overflow the stack.
        /// </summary>
        private sealed class JsonReader
        {
            private const int MaxDepth = 64;
            private readonly string _text;
            private int _pos;

            public JsonReader(string text) => _text = text;

            public object? ReadDocument()
            {
                if (_text.Length > 0 && _text[0] == '\uFEFF')
                {
                    _pos = 1;
                }

                var value = ReadValue(0);
                SkipWhitespace();
                if (_pos != _text.Length)
                {
                    throw new FormatException("Trailing text.");
                }

                return value;
            }

            private object? ReadValue(int depth)
            {
                if (depth > MaxDepth)
                {
                    throw new FormatException("Too deep.");
                }

                SkipWhitespace();
                if (_pos >= _text.Length)
                {
                    throw new FormatException("Unexpected end.");
                }

                switch (_text[_pos])
                {
                    case '{':
                        return ReadObject(depth);
                    case '[':
                        return ReadArray(depth);
                    case '"':
                        return ReadString();
                    case 't':
                        Expect("true");
                        return true;
                    case 'f':
                        Expect("false");
                        return false;
                    case 'n':
                        Expect("null");
                        return null;
                    default:
                        return ReadNumber();
                }
            }

            private Dictionary<string, object?> ReadObject(int depth)
            {
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                _pos++; // {
                SkipWhitespace();
                if (Peek() == '}')
                {
                    _pos++;
                    return result;
                }

                while (true)
                {
                    SkipWhitespace();
                    if (Peek() != '"')
                    {
                        throw new FormatException("Expected a property name.");
                    }

                    var name = ReadString();
                    SkipWhitespace();
                    if (Peek() != ':')
                    {
                        throw new FormatException("Expected ':'.");
                    }

                    _pos++;
                    result[name] = ReadValue(depth + 1);
                    SkipWhitespace();
                    var c = Peek();
                    _pos++;
                    if (c == '}')
                    {
                        return result;
                    }

                    if (c != ',')
                    {
                        throw new FormatException("Expected ',' or '}'.");
                    }
                }
            }

            private List<object?> ReadArray(int depth)
            {
                var result = new List<object?>();
                _pos++; // [
                SkipWhitespace();
                if (Peek() == ']')
                {
                    _pos++;
                    return result;
                }

                while (true)
                {
                    result.Add(ReadValue(depth + 1));
                    SkipWhitespace();
                    var c = Peek();
                    _pos++;
                    if (c == ']')
                    {
                        return result;
                    }

                    if (c != ',')
                    {
                        throw new FormatException("Expected ',' or ']'.");
                    }
                }
            }

            private string ReadString()
            {
                _pos++; // "
                var text = new StringBuilder();
                while (true)
                {
                    if (_pos >= _text.Length)
                    {
                        throw new FormatException("Unterminated string.");
                    }

                    var c = _text[_pos++];
                    if (c == '"')
                    {
                        return text.ToString();
                    }

                    if (c < ' ')
                    {
                        throw new FormatException("Control character in a string.");
                    }

                    if (c != '\\')
                    {
                        text.Append(c);
                        continue;
                    }

                    if (_pos >= _text.Length)
                    {
                        throw new FormatException("Unterminated escape.");
                    }

                    var e = _text[_pos++];
                    switch (e)
                    {
                        case '"': text.Append('"'); break;
                        case '\\': text.Append('\\'); break;
                        case '/': text.Append('/'); break;
                        case 'b': text.Append('\b'); break;
                        case 'f': text.Append('\f'); break;
                        case 'n': text.Append('\n'); break;
                        case 'r': text.Append('\r'); break;
                        case 't': text.Append('\t'); break;
                        case 'u':
                            if (_pos + 4 > _text.Length
                                || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                            {
                                throw new FormatException("Bad \\u escape.");
                            }

                            text.Append((char)code);
                            _pos += 4;
                            break;
                        default:
                            throw new FormatException("Bad escape.");
                    }
                }
            }

            private double ReadNumber()
            {
                var start = _pos;
                while (_pos < _text.Length && "+-0123456789.eE".IndexOf(_text[_pos]) >= 0)
                {
                    _pos++;
                }

                if (start == _pos
                    || !double.TryParse(_text.Substring(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new FormatException("Bad value.");
                }

                return value;
            }

            private void Expect(string word)
            {
                if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
                {
                    throw new FormatException("Bad literal.");
                }

                _pos += word.Length;
            }

            private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

            private void SkipWhitespace()
            {
                while (_pos < _text.Length && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
                {
                    _pos++;
                }
            }
        }
    }
}
