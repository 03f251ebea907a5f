"""Makes generated code importable inside the `warden_client` package.

protoc writes `from warden.session.v1 import session_pb2` (the proto package
path); the modules live under `warden_client.gen`, so those imports (and the
module names given to the protobuf builder) are rewritten. Proto names inside
descriptors and gRPC method paths (`/warden.auth.v1.AuthService/Login`) are
left alone. Pure text rewriting: the same input always gives the same output.
"""

import pathlib
import re
import sys

PACKAGE = "warden_client.gen"
IMPORT = re.compile(r"^(from|import) warden\.", re.MULTILINE)
MODULE_NAME = re.compile(r"'warden\.(\w+)\.v(\d+)\.(\w+_pb2)'")


def fix(text: str) -> str:
    text = IMPORT.sub(rf"\1 {PACKAGE}.warden.", text)
    return MODULE_NAME.sub(rf"'{PACKAGE}.warden.\1.v\2.\3'", text)


def main(root: str) -> int:
    base = pathlib.Path(root)
    for path in sorted(base.rglob("*.py")) + sorted(base.rglob("*.pyi")):
        text = path.read_text()
        fixed = fix(text)
        if fixed != text:
            path.write_text(fixed)
    for directory in sorted({base, *(p for p in base.rglob("*") if p.is_dir())}):
        init = directory / "__init__.py"
        if not init.exists():
            init.write_text(
                '"""Generated from proto/; do not edit (clients/python/generate.sh)."""\n'
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
