// Namespaces nearly every file of this project uses, imported once (house style: a file lists only its other imports).
global using System;
global using System.Collections.Generic;
global using System.Collections.Immutable;
global using System.Globalization;
global using System.Linq;
global using System.Threading;
global using System.Threading.Tasks;
global using Microsoft.CodeAnalysis;
global using Microsoft.CodeAnalysis.CodeActions;
global using Microsoft.CodeAnalysis.CodeFixes;
global using Microsoft.CodeAnalysis.CSharp;
global using Microsoft.CodeAnalysis.CSharp.Syntax;
global using Microsoft.CodeAnalysis.Text;
// The analyzers' namespaces: every fixer reads the diagnostic properties its analyzer declares.
global using PerfAnalyzers.Rules.Async;
global using PerfAnalyzers.Rules.Loading;
global using PerfAnalyzers.Rules.Query;
global using PerfAnalyzers.Rules.Writes;
