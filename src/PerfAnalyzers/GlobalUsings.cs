// Namespaces nearly every file of this project uses, imported once (house style: a file lists only its other imports).
global using System;
global using System.Collections.Generic;
global using System.Collections.Immutable;
global using System.Linq;
global using System.Threading;
global using Microsoft.CodeAnalysis;
global using Microsoft.CodeAnalysis.Diagnostics;
global using Microsoft.CodeAnalysis.Operations;
global using Microsoft.CodeAnalysis.CSharp.Syntax;
global using PerfAnalyzers.EfCore;
