# Sourced by generate.sh and format.sh: fetches pinned build tools from Maven Central into .tools/.
# The versions here and in pom.xml go together (see the comments there).
PROTOC_VERSION=3.25.9
GRPC_JAVA_VERSION=1.83.1
GOOGLE_JAVA_FORMAT_VERSION=1.28.0
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

tools_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.tools"

# The classifier Maven Central uses for native executables on this machine.
os_classifier() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=osx ;;
    *) echo "unsupported OS: $(uname -s)" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch_64 ;;
    *) echo "unsupported CPU: $(uname -m)" >&2; return 1 ;;
  esac
  echo "$os-$arch"
}

# fetch_tool NAME GROUP:ARTIFACT:VERSION:TYPE[:CLASSIFIER]: copies the artifact to .tools/NAME
# unless the same version is already there.
fetch_tool() {
  local name="$1" artifact="$2" tmp
  if [[ -f "$tools_dir/$name" && "$(cat "$tools_dir/$name.artifact" 2>/dev/null)" == "$artifact" ]]; then
    return
  fi
  mkdir -p "$tools_dir"
  tmp="$(mktemp -d)"
  (cd "$tmp" && mvn -B -q -Dstyle.color=never "$DEPENDENCY_PLUGIN:copy" -Dartifact="$artifact" -DoutputDirectory="$tmp/out")
  mv "$tmp"/out/* "$tools_dir/$name"
  rm -rf "$tmp"
  chmod +x "$tools_dir/$name"
  echo "$artifact" >"$tools_dir/$name.artifact"
}
