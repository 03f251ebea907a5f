#!/usr/bin/env bash
# Regenerates the protobuf messages and gRPC stubs under src/main/java/dev/warden/{auth,session,
# authz,events} from proto/, with protoc's java generator and protoc-gen-grpc-java (both fetched
# from Maven Central at pinned versions) driven by buf.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
BUF_VERSION=1.75.0
# shellcheck source=tools.sh
source "$here/tools.sh"

classifier="$(os_classifier)"
fetch_tool protoc "com.google.protobuf:protoc:$PROTOC_VERSION:exe:$classifier"
fetch_tool protoc-gen-grpc-java "io.grpc:protoc-gen-grpc-java:$GRPC_JAVA_VERSION:exe:$classifier"

rm -rf "$here"/src/main/java/dev/warden/{auth,session,authz,events}
cd "$root"
npx --yes "@bufbuild/buf@$BUF_VERSION" generate --template clients/java/buf.gen.yaml
