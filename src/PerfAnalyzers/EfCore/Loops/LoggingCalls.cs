namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// "Is this call the application's logging?": a method named <c>Log</c> or <c>Log&lt;Level&gt;</c>
    /// (<c>LogInformation</c>, <c>LogError</c>, <c>LogWarning</c>...) that takes a log level (a parameter whose type is named
    /// <c>*LogLevel</c>), or is declared on a logging type (a type or interface named <c>*Logger</c>, <c>*LogManager</c>,
    /// <c>*LogService</c>, <c>*LogWriter</c>). An application whose logger writes its entries to the database (a log table)
    /// reaches a round trip through every log call; a loop that logs per item is logging, not data work, and the cost is the
    /// logger's sink to buffer, not the loop's to batch. Data calls named like logging stay data calls: <c>AddLog</c>,
    /// <c>GetLogs</c> or <c>LogActivity</c> on a repository are not matched.
    /// </summary>
    internal static class LoggingCalls
    {
        private static readonly string[] Levels =
        {
            "Trace", "Debug", "Verbose", "Information", "Info", "Warning", "Warn", "Error", "Critical", "Fatal",
        };

        private static readonly string[] LoggingTypeSuffixes = { "Logger", "LogManager", "LogService", "LogWriter" };

        public static bool IsLoggingCall(IMethodSymbol method)
        {
            if (!IsLoggingName(method.Name))
            {
                return false;
            }

            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.Name.EndsWith("LogLevel", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            if (IsLoggingType(method.ContainingType))
            {
                return true;
            }

            // The interface method a logger class implements (ILogManager.Log): its declaring interface names it.
            foreach (var @interface in method.ContainingType?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty)
            {
                if (IsLoggingType(@interface) && @interface.GetMembers(method.Name).Length > 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsLoggingName(string name)
        {
            if (name == "Log")
            {
                return true;
            }

            if (!name.StartsWith("Log", StringComparison.Ordinal))
            {
                return false;
            }

            foreach (var level in Levels)
            {
                if (name.Length == 3 + level.Length && string.CompareOrdinal(name, 3, level, 0, level.Length) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsLoggingType(INamedTypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            foreach (var suffix in LoggingTypeSuffixes)
            {
                if (type.Name.EndsWith(suffix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
