#!/usr/bin/env bash
# Real-build mode of the validation tool: runs an application's own `dotnet build` with the PerfAnalyzers analyzer
# injected into every C# project (realbuild/PerfAnalyzers.Inject.targets), one SARIF 2.1 log per project, then
# summarizes the logs with `PerfAnalyzers.RealCode --sarif`.
#
#   tests/PerfAnalyzers.RealCode/realbuild.sh <app-dir> <out-dir> [analyzer-dir] [project-or-solution ...]
#
#   app-dir       the application's checkout (outside this repository)
#   out-dir       receives sarif/*.sarif, build.log (with the ReportAnalyzer timings and the performance summary),
#                 findings.txt and cost.txt (each rule's share of csc wall time, realbuild/cost.py)
#   analyzer-dir  folder holding PerfAnalyzers.dll (default: src/PerfAnalyzers/bin/Release/netstandard2.0 of this
#                 repository, built first with `dotnet build src/PerfAnalyzers -c Release`); pass another build's folder
#                 to rerun the same apps against it
#   project-or-solution  what to build, relative to app-dir (default: the only .sln/.slnx at the top, else app-dir)
#
# Environment: REALBUILD_BASELINE=1 first builds each target without the analyzer (same flags, baseline-*.log), so
# cost.txt also shows the wall-clock difference the analyzers make; REALBUILD_TIMEOUT (seconds, default 1500) caps the build; REALBUILD_ARGS adds msbuild arguments
# (e.g. "-p:Configuration=Debug"). The app's global.json is moved aside (global.json.realbuild-off) so the installed SDK
# builds it; the build is --no-incremental so every project is compiled (and analyzed) again. REALBUILD_INCREMENTAL=1
# skips that for a rerun after a first build: every project still recompiles when the analyzer DLL is newer (it is an
# input of CoreCompile), but restore, Razor, static assets and copies are not redone.
# REALBUILD_SERIAL=1 runs csc with /parallel- (through a wrapper script written to out-dir): the analyzers then run one
# callback at a time, so ReportAnalyzer charges each rule its own callbacks' time and not the time its threads waited
# for a shared scan or for a core; on a loaded machine the shares are far steadier that way (issue 14; the compile itself
# is single-threaded too, so compare serial runs with serial runs).
# By default csc runs as its own process per compilation (UseSharedCompilation=false), so our assembly is loaded and
# JIT-compiled once per compilation. REALBUILD_SERVER=1 builds as a plain `dotnet build` does, through the shared
# compiler server (VBCSCompiler), which loads and JIT-compiles the analyzers once per server: a server of its own (a
# fresh pipe name, as a CI job starts with no server running), stopped after the build. Not with REALBUILD_SERIAL (a
# custom csc bypasses the server); the server analyzes concurrently, so its shares are upper bounds, like any parallel run.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [[ $# -lt 2 ]]; then
  sed -n '2,32p' "${BASH_SOURCE[0]}"
  exit 2
fi
app="$(cd "$1" && pwd)"
mkdir -p "$2"
out="$(cd "$2" && pwd)"
analyzers="${3:-$repo/src/PerfAnalyzers/bin/Release/netstandard2.0}"
analyzers="$(cd "$analyzers" && pwd)"
shift $(( $# >= 3 ? 3 : 2 ))
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cd "$app" && ls -1 *.sln *.slnx 2>/dev/null)
  [[ ${#targets[@]} -eq 1 ]] || targets=(".")
fi
[[ -f "$analyzers/PerfAnalyzers.dll" ]] || { echo "No PerfAnalyzers.dll in $analyzers" >&2; exit 2; }

if [[ -f "$app/global.json" ]]; then
  mv "$app/global.json" "$app/global.json.realbuild-off"
fi

# A fresh copy of the analyzer (new timestamp, kept with the results) makes every CoreCompile run again, even in
# incremental mode, and records which build produced the findings.
rm -rf "$out/analyzer"
mkdir -p "$out/analyzer"
cp "$analyzers"/*.dll "$out/analyzer/"
analyzers="$out/analyzer"
incremental="--no-incremental"
[[ "${REALBUILD_INCREMENTAL:-0}" == "1" ]] && incremental=""
serial_args=""
if [[ "${REALBUILD_SERIAL:-0}" == "1" ]]; then
  sdk="$(dotnet --list-sdks | tail -1 | sed -E 's/^([^ ]+) \[(.*)\]$/\2\/\1/')"
  [[ -x "$sdk/Roslyn/bincore/csc" ]] || { echo "No csc under $sdk/Roslyn/bincore" >&2; exit 2; }
  mkdir -p "$out/csc-serial"
  printf '#!/bin/sh\nexec "%s" /parallel- "$@"\n' "$sdk/Roslyn/bincore/csc" > "$out/csc-serial/csc"
  chmod +x "$out/csc-serial/csc"
  serial_args="-p:CscToolPath=$out/csc-serial -p:CscToolExe=csc"
fi
shared_args="-p:UseSharedCompilation=false"
pipe=""
if [[ "${REALBUILD_SERVER:-0}" == "1" ]]; then
  [[ -z "$serial_args" ]] || { echo "REALBUILD_SERVER and REALBUILD_SERIAL exclude each other" >&2; exit 2; }
  pipe="perfanalyzers-realbuild-$$-$(date +%s)"
  shared_args="-p:UseSharedCompilation=true -p:SharedCompilationId=$pipe"
fi
rm -rf "$out/sarif"
mkdir -p "$out/sarif"
: > "$out/build.log"
start=$(date +%s)
status=0
rm -f "$out"/baseline-*.log
for t in "${targets[@]}"; do
  if [[ "${REALBUILD_BASELINE:-0}" == "1" ]]; then
    # The same build without the analyzer, just before the one with it (same flags, every project compiled): what the
    # analyzers add to the build's wall clock, next to what ReportAnalyzer charges them (cost.py prints both).
    echo "== dotnet build $t (baseline: no PerfAnalyzers)" | tee -a "$out/build.log"
    # shellcheck disable=SC2086
    (cd "$app" && timeout "${REALBUILD_TIMEOUT:-1500}" dotnet build "$t" --no-incremental -nologo \
        $shared_args -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
        -p:CodeAnalysisTreatWarningsAsErrors=false -p:EnableNETAnalyzers=false -p:EnforceCodeStyleInBuild=false \
        -p:NuGetAudit=false -p:GenerateDocumentationFile=false \
        -clp:"ErrorsOnly;Summary" -flp:"v=d;performancesummary;logfile=$out/baseline-$(echo "$t" | tr '/.' '__').log" $serial_args ${REALBUILD_ARGS:-} ) \
      >> "$out/build.log" 2>&1
  fi
  echo "== dotnet build $t" | tee -a "$out/build.log"
  # shellcheck disable=SC2086
  (cd "$app" && timeout "${REALBUILD_TIMEOUT:-1500}" dotnet build "$t" $incremental -nologo \
      -p:CustomAfterMicrosoftCommonTargets="$here/realbuild/PerfAnalyzers.Inject.targets" \
      -p:PerfAnalyzersDir="$analyzers" -p:PerfAnalyzersSarifDir="$out/sarif" \
      $shared_args -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
      -p:CodeAnalysisTreatWarningsAsErrors=false -p:EnableNETAnalyzers=false -p:EnforceCodeStyleInBuild=false \
      -p:NuGetAudit=false -p:GenerateDocumentationFile=false \
      -clp:"ErrorsOnly;Summary" -flp:"v=d;performancesummary;logfile=$out/build-$(echo "$t" | tr '/.' '__').log" $serial_args ${REALBUILD_ARGS:-} ) \
    >> "$out/build.log" 2>&1
  rc=$?
  echo "== exit $rc" | tee -a "$out/build.log"
  [[ $rc -eq 0 ]] || status=$rc
done
end=$(date +%s)
if [[ -n "$pipe" ]]; then
  # Stop the server this run started (found by its own pipe name), and no other.
  for pid in $(pgrep -f -- "-pipename:$pipe" || true); do kill "$pid" 2>/dev/null || true; done
fi
echo "build time: $((end - start)) s, exit $status" | tee -a "$out/build.log"

# The summarizer: build the tool if needed (an already-built tool is reused when the build cannot replace it).
dotnet build "$here" -c Release -v:q -nologo > "$out/summarizer-build.log" 2>&1 || echo "(tool build failed, using the existing build; see summarizer-build.log)"
dotnet "$here/bin/Release/net10.0/PerfAnalyzers.RealCode.dll" --sarif "$out/sarif" --root "$app" --out "$out/findings.txt"
# What the analyzers cost this build: each rule's share of the compiler's wall time (issue 14 targets: all rules <= 2%,
# none above 0.5%); several out-dirs together: python3 realbuild/cost.py <out-dir> ... [--markdown].
python3 "$here/realbuild/cost.py" "$out" > "$out/cost.txt" 2>&1 && sed -n '2,4p' "$out/cost.txt"
echo "build time: $((end - start)) s, build exit $status"
