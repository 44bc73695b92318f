using System;
using System.Threading;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// The peak of the managed heap while a variant runs: a background thread reads <see cref="GC.GetTotalMemory(bool)"/>
    /// (no collection forced) about every millisecond and keeps the largest value; the result is that peak minus the heap
    /// when sampling started. The heap includes garbage the GC has not collected yet, so a variant that streams rows shows
    /// the GC's gen0 budget at most, while one that buffers them shows every row it holds on top of that.
    /// <para>It also keeps the largest heap left after a collection that ran meanwhile (the sizes after the GC of every
    /// generation, from <see cref="GC.GetGCMemoryInfo()"/>), minus the same figure after the full collection before the
    /// variant: what the variant kept reachable, without the garbage. Zero when no collection ran during the variant.</para>
    /// </summary>
    internal sealed class HeapSampler : IDisposable
    {
        private readonly long _baseline;
        private readonly Thread _thread;
        private long _peak;
        private readonly long _retainedBaseline;
        private long _peakRetained;
        private int _collections;
        private volatile bool _stop;

        private HeapSampler()
        {
            _baseline = GC.GetTotalMemory(forceFullCollection: false);
            _peak = _baseline;
            _retainedBaseline = SizeAfterLastCollection();
            _peakRetained = _retainedBaseline;
            _collections = GC.CollectionCount(0);
            _thread = new Thread(Sample) { IsBackground = true, Name = "proof heap sampler", Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }

        public static HeapSampler Start() => new();

        /// <summary>Stops sampling and returns the peak above the baseline, in bytes.</summary>
        public long Stop()
        {
            _stop = true;
            _thread.Join();
            Record();
            return Math.Max(0, Interlocked.Read(ref _peak) - _baseline);
        }

        /// <summary>The largest heap left after a collection during the variant, above the one before it (valid after <see cref="Stop"/>).</summary>
        public long PeakRetained => Math.Max(0, Interlocked.Read(ref _peakRetained) - _retainedBaseline);

        public void Dispose()
        {
            if (!_stop)
            {
                Stop();
            }
        }

        private void Sample()
        {
            while (!_stop)
            {
                Record();
                Thread.Sleep(1);
            }
        }

        private void Record()
        {
            var collections = GC.CollectionCount(0);
            if (collections != _collections)
            {
                _collections = collections;
                var retained = SizeAfterLastCollection();
                if (retained > Interlocked.Read(ref _peakRetained))
                {
                    Interlocked.Exchange(ref _peakRetained, retained);
                }
            }

            var now = GC.GetTotalMemory(forceFullCollection: false);
            long seen;
            while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }
        }

        private static long SizeAfterLastCollection()
        {
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            long size = 0;
            foreach (var generation in info.GenerationInfo)
            {
                size += generation.SizeAfterBytes;
            }

            return size;
        }
    }
}
