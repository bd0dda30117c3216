#!/usr/bin/env bash
# Records every new public symbol of the libraries in their PublicAPI.Unshipped.txt.
# Run it after adding public API on purpose, then review the diff: the files are the API review.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in src/*/; do
  [ -f "$dir/PublicAPI.Shipped.txt" ] || continue
  for f in "$dir/PublicAPI.Shipped.txt" "$dir/PublicAPI.Unshipped.txt"; do
    [ -s "$f" ] || echo '#nullable enable' > "$f"
  done
done
log=$(mktemp)
dotnet build Corda.HighAvailability.sln --no-incremental -c Debug -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= -nologo >"$log" 2>&1 || true
{ grep -oE "(warning|error) RS0016: Symbol '.*' is not part of the declared public API.*\[[^]]*\.csproj" "$log" || true; } \
  | sed -E "s/(warning|error) RS0016: Symbol '(.*)' is not part of the declared public API.*\[([^]:]*\.csproj)/\3|\2/" \
  | sort -u | while IFS='|' read -r proj sym; do
      echo "$sym" >> "$(dirname "$proj")/PublicAPI.Unshipped.txt"
    done
for dir in src/*/; do
  f="$dir/PublicAPI.Unshipped.txt"; [ -f "$f" ] || continue
  { echo '#nullable enable'; grep -v '^#nullable enable$' "$f" | sort -u; } > "$f.tmp" && mv "$f.tmp" "$f"
done
rm -f "$log"
