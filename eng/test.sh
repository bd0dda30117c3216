#!/usr/bin/env bash
# The README's test command. On a fresh Debian 12 machine, as root, it installs what the tests need
# (PostgreSQL server binaries), builds everything in Release, runs every test project against real SQLite
# files, a real PostgreSQL the tests start themselves, and real processes, checks that packing works, and
# ends with one line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"

fail() { echo "error: $*" >&2; exit 2; }

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK 10 ('dotnet') is required: see https://learn.microsoft.com/dotnet/core/install/linux-debian"

# PostgreSQL server binaries (initdb, pg_ctl): the integration tests start their own server on loopback.
if [ -z "${CORDA_HA_TEST_POSTGRES:-}" ] && [ -z "${CORDA_HA_PG_BIN:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the Debian package 'postgresql' (the tests start a real PostgreSQL)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    fail "PostgreSQL server binaries not found: install the Debian package 'postgresql' (as root), set CORDA_HA_PG_BIN to their folder, or set CORDA_HA_TEST_POSTGRES to a connection string"
  fi
fi
# libfaketime: the clock-step tests start a second PostgreSQL under LD_PRELOAD=libfaketime.so.1 to step its wall clock.
has_libfaketime() {
  local lib
  for lib in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 /usr/local/lib/faketime/libfaketime.so.1; do
    [ -e "$lib" ] && return 0
  done
  return 1
}
if ! has_libfaketime; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the Debian package 'faketime' (the clock-step tests run PostgreSQL under libfaketime)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
  else
    fail "libfaketime (libfaketime.so.1) not found: install the Debian package 'faketime' (as root)"
  fi
fi
# The broker probes' real parts (Artemis itself is not packaged for Debian): RabbitMQ with its AMQP 1.0 plugin, and a
# Jolokia agent on Jetty in front of a JVM fixture that registers MBeans under Artemis' names (needs a JDK for javac).
missing_debs=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing_debs+=(rabbitmq-server)
[ -e /usr/share/java/jolokia-core.jar ] || missing_debs+=(libjolokia-core-java)
[ -e /usr/share/java/jetty9-server.jar ] || missing_debs+=(libjetty9-java)
command -v javac >/dev/null 2>&1 || missing_debs+=(default-jdk-headless)
if [ ${#missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the Debian packages ${missing_debs[*]} (the broker probe tests start RabbitMQ and a Jolokia agent)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null
  else
    fail "missing Debian packages for the broker probe tests: ${missing_debs[*]} (install them as root)"
  fi
fi
if [ "$(id -u)" -eq 0 ] && [ -z "${CORDA_HA_TEST_POSTGRES:-}" ] && ! id postgres >/dev/null 2>&1; then
  fail "running as root needs the 'postgres' user to start PostgreSQL (it refuses to run as root): install the Debian package 'postgresql'"
fi

# Servers left behind by a test run that was itself killed: the fixtures name their directories corda-ha-pg-*,
# corda-ha-rabbitmq-*, corda-ha-jolokia-*, corda-ha-grpc-* or corda-ha-sample-* and write their test process's pid
# into owner.pid.
# Only directories whose owner is gone are removed, so that a second run on the same machine (a developer's, another
# worktree's) keeps its servers.
cleanup() {
  local dir owner
  for dir in "${TMPDIR:-/tmp}"/corda-ha-pg-* "${TMPDIR:-/tmp}"/corda-ha-rabbitmq-* "${TMPDIR:-/tmp}"/corda-ha-jolokia-* "${TMPDIR:-/tmp}"/corda-ha-grpc-* "${TMPDIR:-/tmp}"/corda-ha-sample-*; do
    [ -d "$dir" ] || continue
    owner=$(cat "$dir/owner.pid" 2>/dev/null || true)
    if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then continue; fi
    pkill -KILL -f "$dir/" 2>/dev/null || true
    rm -rf "$dir" 2>/dev/null || true
  done
}
cleanup
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf "$results"
dotnet build Corda.HighAvailability.sln -c Release -nologo -v:q
dotnet pack Corda.HighAvailability.sln -c Release --no-build -nologo -v:q

# The REST gateway sample (samples/RestGateway, not in the solution) builds as a consumer builds: from the packages
# just packed into nuget/ (samples/nuget.config maps Corda.HighAvailability* to that folder only). Its own, freshly
# emptied packages folder guarantees that an older 0.1.0 in the global NuGet cache is never used instead.
sample_packages="$root/artifacts/sample-packages"
rm -rf "$sample_packages"
dotnet restore samples/RestGateway/RestGateway.slnx --packages "$sample_packages" -nologo -v:q
for metadata in "$sample_packages"/corda.highavailability*/*/.nupkg.metadata; do
  grep -q "\"source\": \"$root/nuget\"" "$metadata" || fail "$metadata: the sample did not get this package from $root/nuget"
done
dotnet build samples/RestGateway/RestGateway.slnx -c Release --no-restore -nologo -v:q

status=0
dotnet test Corda.HighAvailability.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?
# Its own results folder: trx files are named to the second, and a name shared with the main run's would overwrite it.
dotnet test samples/RestGateway/RestGateway.slnx -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results/samples" || status=$?

passed=0; failed=0; skipped=0
shopt -s nullglob
trx_files=("$results"/*.trx "$results"/samples/*.trx)
[ ${#trx_files[@]} -gt 0 ] || { echo "0 passed, 1 failed, 0 skipped"; echo "error: no test results were written" >&2; exit 1; }
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(value total); executed=$(value executed); p=$(value passed); f=$(value failed)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
if [ "$passed" -eq 0 ]; then echo "error: no test ran" >&2; exit 1; fi
