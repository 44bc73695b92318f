namespace PerfAnalyzers.EfCore
{
    /// <summary>AutoInclude: navigations configured with <c>Navigation(x =&gt; x.Nav).AutoInclude()</c> (not <c>AutoInclude(false)</c>).</summary>
    internal sealed partial class EfModel
    {
        /// <summary>The navigation (or the one it overrides, or one of the same name in the hierarchy) is auto-included.</summary>
        public bool IsAutoIncluded(IPropertySymbol navigation) => Matches(navigation, Scan().AutoIncluded);
    }
}
