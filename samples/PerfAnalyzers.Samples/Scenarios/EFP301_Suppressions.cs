using System.Diagnostics.CodeAnalysis;

// These scenarios process every blog of the 1,000-blog sample on purpose (their point is the loop, not the size of the
// list), so EFP301 (unbounded query) is a true positive there that is not what they prove; see docs/rules/EFP301.md.
[assembly: SuppressMessage("Performance", "EFP301", Justification = "Processes every blog on purpose", Scope = "type", Target = "~T:PerfAnalyzers.Samples.Scenarios.EFP101_QueryInLoop")]
[assembly: SuppressMessage("Performance", "EFP301", Justification = "Processes every blog on purpose", Scope = "type", Target = "~T:PerfAnalyzers.Samples.Scenarios.EFP101_QueryInLoop_Include")]
[assembly: SuppressMessage("Performance", "EFP301", Justification = "Processes every blog on purpose", Scope = "type", Target = "~T:PerfAnalyzers.Samples.Scenarios.EFP102_LazyLoadingNPlusOne")]
[assembly: SuppressMessage("Performance", "EFP301", Justification = "Processes every blog on purpose", Scope = "type", Target = "~T:PerfAnalyzers.Samples.Scenarios.EFP104_NPlusOneThroughCall")]
[assembly: SuppressMessage("Performance", "EFP301", Justification = "Processes every blog on purpose", Scope = "type", Target = "~T:PerfAnalyzers.Samples.Scenarios.EFP105_CartesianExplosion")]
[assembly: SuppressMessage("Performance", "EFP301", Justification = "Processes every blog on purpose", Scope = "type", Target = "~T:PerfAnalyzers.Samples.Scenarios.EFP201_SaveChangesInLoop")]
