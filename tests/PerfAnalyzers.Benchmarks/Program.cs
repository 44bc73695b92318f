using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace PerfAnalyzers.Benchmarks
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            // "scaling": the growth of each analyzer's time with input size (ScalingBenchmark); anything else goes to
            // BenchmarkDotNet.
            if (args.Length > 0 && args[0] == "scaling")
            {
                return ScalingBenchmark.Run(args.Skip(1).ToArray());
            }

            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }
    }
}
