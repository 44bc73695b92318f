namespace PerfAnalyzers.EfCore
{
    /// <summary>The database providers whose translations the layer knows (a set of flags).</summary>
    [Flags]
    internal enum EfProvider
    {
        None = 0,

        /// <summary>Microsoft.EntityFrameworkCore.Sqlite.</summary>
        Sqlite = 1,

        /// <summary>Microsoft.EntityFrameworkCore.SqlServer.</summary>
        SqlServer = 2,

        /// <summary>Npgsql.EntityFrameworkCore.PostgreSQL.</summary>
        Npgsql = 4,

        /// <summary>The three providers whose translations the layer knows.</summary>
        Known = Sqlite | SqlServer | Npgsql,
    }

    /// <summary>
    /// Which EF Core providers a compilation references, by assembly name (the provider's extension methods,
    /// <c>UseSqlite</c>/<c>UseNpgsql</c>..., live in these assemblies). Other providers (MySQL, Oracle, Cosmos, InMemory...)
    /// are only known to be there: their translations are not in the layer's tables.
    /// </summary>
    internal sealed class ReferencedProviders
    {
        private static readonly ImmutableHashSet<string> OtherRelational = ImmutableHashSet.Create(
            StringComparer.OrdinalIgnoreCase,
            "Pomelo.EntityFrameworkCore.MySql", "MySql.EntityFrameworkCore", "MySql.Data.EntityFrameworkCore",
            "Oracle.EntityFrameworkCore", "FirebirdSql.EntityFrameworkCore.Firebird", "EntityFrameworkCore.Jet",
            "IBM.EntityFrameworkCore", "Teradata.EntityFrameworkCore", "Google.Cloud.EntityFrameworkCore.Spanner",
            "EntityFrameworkCore.SqlServerCompact40", "EntityFrameworkCore.SqlServerCompact35", "EFCore.Snowflake");

        private static readonly ImmutableHashSet<string> NonRelational = ImmutableHashSet.Create(
            StringComparer.OrdinalIgnoreCase,
            "Microsoft.EntityFrameworkCore.InMemory", "Microsoft.EntityFrameworkCore.Cosmos", "MongoDB.EntityFrameworkCore");

        private ReferencedProviders(EfProvider known, bool otherRelational, bool nonRelational)
        {
            Known = known;
            HasOtherRelational = otherRelational;
            HasNonRelational = nonRelational;
        }

        /// <summary>The known providers referenced (SQLite, SQL Server, PostgreSQL).</summary>
        public EfProvider Known { get; }

        /// <summary>A relational provider whose translations the layer does not know (MySQL, Oracle, Firebird...).</summary>
        public bool HasOtherRelational { get; }

        /// <summary>InMemory, Cosmos or MongoDB: they translate (or run) differently from the relational providers.</summary>
        public bool HasNonRelational { get; }

        /// <summary>
        /// The providers whose table decides whether a BCL call throws: the referenced known ones, all three when the
        /// compilation references no provider (a class library: the call must throw on every known provider), none when a
        /// provider the layer does not know is referenced.
        /// </summary>
        public EfProvider ForTranslationTables
            => HasOtherRelational || HasNonRelational ? EfProvider.None
               : Known == EfProvider.None ? EfProvider.Known
               : Known;

        /// <summary>Only non-relational providers (InMemory, Cosmos): relational translation rules do not apply.</summary>
        public bool OnlyNonRelational => HasNonRelational && Known == EfProvider.None && !HasOtherRelational;

        /// <summary>The assembly of EF Core's SQLite provider (its <c>UseSqlite</c>), by name.</summary>
        public static bool IsSqliteAssembly(string? assemblyName)
            => string.Equals(assemblyName, "Microsoft.EntityFrameworkCore.Sqlite", StringComparison.OrdinalIgnoreCase);

        public static ReferencedProviders Of(Compilation compilation)
        {
            var known = EfProvider.None;
            bool other = false, nonRelational = false;
            foreach (var assembly in compilation.ReferencedAssemblyNames)
            {
                var name = assembly.Name;
                if (string.Equals(name, "Microsoft.EntityFrameworkCore.Sqlite", StringComparison.OrdinalIgnoreCase))
                {
                    known |= EfProvider.Sqlite;
                }
                else if (string.Equals(name, "Microsoft.EntityFrameworkCore.SqlServer", StringComparison.OrdinalIgnoreCase))
                {
                    known |= EfProvider.SqlServer;
                }
                else if (string.Equals(name, "Npgsql.EntityFrameworkCore.PostgreSQL", StringComparison.OrdinalIgnoreCase))
                {
                    known |= EfProvider.Npgsql;
                }
                else if (OtherRelational.Contains(name) || (name.StartsWith("Devart.Data.", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".EFCore", StringComparison.OrdinalIgnoreCase)))
                {
                    other = true;
                }
                else if (NonRelational.Contains(name))
                {
                    nonRelational = true;
                }
            }

            return new ReferencedProviders(known, other, nonRelational);
        }

        /// <summary>"SQLite", "SQL Server and PostgreSQL", "any provider".</summary>
        public static string Describe(EfProvider providers)
        {
            if (providers == EfProvider.Known)
            {
                return "SQLite, SQL Server or PostgreSQL";
            }

            var names = ImmutableArray.CreateBuilder<string>();
            if ((providers & EfProvider.Sqlite) != 0)
            {
                names.Add("SQLite");
            }

            if ((providers & EfProvider.SqlServer) != 0)
            {
                names.Add("SQL Server");
            }

            if ((providers & EfProvider.Npgsql) != 0)
            {
                names.Add("PostgreSQL");
            }

            return names.Count switch
            {
                0 => "the provider",
                1 => names[0],
                _ => string.Join(", ", names.Take(names.Count - 1)) + " or " + names[names.Count - 1],
            };
        }
    }
}
