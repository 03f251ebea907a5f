"""A protoc plugin (CodeGeneratorRequest on stdin, CodeGeneratorResponse on
stdout) around grpcio-tools' bundled gRPC Python generator, which grpcio-tools
only exposes as the `--grpc_python_out` flag of its embedded protoc."""

import pathlib
import sys
import tempfile

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc


def main() -> int:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse(
        supported_features=plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        descriptors = root / "descriptors.pb"
        descriptors.write_bytes(
            descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString()
        )
        out = root / "out"
        out.mkdir()
        args = [
            "protoc",
            f"--descriptor_set_in={descriptors}",
            f"--grpc_python_out={out}",
        ]
        if request.parameter:
            args.append(f"--grpc_python_opt={request.parameter}")
        if protoc.main(args + list(request.file_to_generate)) != 0:
            response.error = "grpc_python generation failed"
        else:
            for path in sorted(p for p in out.rglob("*") if p.is_file()):
                response.file.add(name=path.relative_to(out).as_posix(), content=path.read_text())
    sys.stdout.buffer.write(response.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
