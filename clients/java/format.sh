#!/usr/bin/env bash
# Formats the hand-written Java sources with google-java-format (fetched from Maven Central).
# `./format.sh --check` changes nothing and fails when a file is not formatted.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tools.sh
source "$here/tools.sh"

fetch_tool google-java-format.jar \
  "com.google.googlejavaformat:google-java-format:$GOOGLE_JAVA_FORMAT_VERSION:jar:all-deps"

mode=(--replace)
if [[ "${1:-}" == "--check" ]]; then
  mode=(--dry-run --set-exit-if-changed)
fi

cd "$here"
mapfile -t files < <(find src/main/java/dev/warden/client src/main/java/dev/warden/examples src/test/java \
  -name '*.java' | sort)
exports=()
for package in api code file parser tree util; do
  exports+=("--add-exports=jdk.compiler/com.sun.tools.javac.$package=ALL-UNNAMED")
done
java "${exports[@]}" -jar "$tools_dir/google-java-format.jar" "${mode[@]}" "${files[@]}"
