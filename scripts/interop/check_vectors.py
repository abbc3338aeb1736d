"""Check the Swift wire codec against Python's protobuf package on every vector in spec/vectors.

For each valid vector, Python must parse the Swift bytes and get the vector's fields, Python's encoding of
the fields must equal the Swift bytes, and the Swift codec must decode Python's bytes back to the fields.
Each invalid vector must be rejected by Python too, unless EXPECTED_ACCEPTED lists it with the reason
Python's parser accepts it. A listed vector that Python rejects is reported, so the list cannot go stale.
"""

import argparse
import importlib
import json
import pathlib
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pool, json_format, message_factory
from google.protobuf.message import DecodeError
from grpc_tools import protoc

_WIRE_TYPE_AS_UNKNOWN = (
    "Python parses a field that arrives with a wire type other than its declared one as an unknown field, "
    "as the protobuf reference implementations do; the Swift codec rejects it as malformed"
)
_NO_SUCH_LIMIT = (
    "Python's parser has no limit of this kind with a value this small, and the bytes are otherwise valid"
)

# Invalid vectors that Python's parser (protobuf 5.29, upb) accepts, each with the reason.
EXPECTED_ACCEPTED = {
    "varint-overflows-64-bits": "upb drops the bits of a 10th varint byte above the 64th bit instead of "
    "rejecting them",
    "wire-type-varint-for-string": _WIRE_TYPE_AS_UNKNOWN,
    "wire-type-length-delimited-for-uint64": _WIRE_TYPE_AS_UNKNOWN,
    "wire-type-fixed32-for-enum": _WIRE_TYPE_AS_UNKNOWN,
    "wire-type-varint-for-message": _WIRE_TYPE_AS_UNKNOWN,
    "wire-type-fixed64-for-repeated-enum": _WIRE_TYPE_AS_UNKNOWN,
    "wire-type-start-group": "Python skips a complete group (wire types 3 and 4) as an unknown field; "
    "proto3 has no groups and the Swift codec rejects them",
    "limit-message-size": _NO_SUCH_LIMIT,
    "limit-nesting-depth-push": _NO_SUCH_LIMIT,
    "limit-nesting-depth-heartbeat": _NO_SUCH_LIMIT,
    "limit-string-length": _NO_SUCH_LIMIT,
    "limit-bytes-length": _NO_SUCH_LIMIT,
    "limit-repeated-count-packed": _NO_SUCH_LIMIT,
    "limit-repeated-count-strings": _NO_SUCH_LIMIT,
    "limit-repeated-count-messages": _NO_SUCH_LIMIT,
}


def compile_schema(spec: pathlib.Path, output: pathlib.Path) -> None:
    """Compile spec/eacp.proto into eacp_pb2.py in output and register its types."""
    status = protoc.main(["protoc", f"-I{spec}", f"--python_out={output}", str(spec / "eacp.proto")])
    if status != 0:
        sys.exit(f"check_vectors: protoc failed on {spec / 'eacp.proto'} with status {status}")
    sys.path.insert(0, str(output))
    importlib.import_module("eacp_pb2")


def message_class(name: str):
    return message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(name))


def load_vectors(spec: pathlib.Path) -> list[dict]:
    vectors = []
    for path in sorted((spec / "vectors").glob("*.json")):
        for vector in json.loads(path.read_text(encoding="utf-8"))["vectors"]:
            vector["group"] = path.stem
            vectors.append(vector)
    return vectors


def check_valid(vector: dict) -> tuple[list[str], bytes | None]:
    """Return the problems found and the bytes Python encoded, for the Swift side to decode."""
    cls = message_class(vector["message"])
    expected = bytes.fromhex(vector.get("canonicalHex", vector["hex"]))
    problems = []

    parsed = cls()
    try:
        parsed.ParseFromString(bytes.fromhex(vector["hex"]))
    except DecodeError as error:
        return [f"Python rejects the bytes: {error}"], None
    parsed_fields = json_format.MessageToDict(parsed)
    if parsed_fields != vector["fields"]:
        problems.append(f"Python reads the bytes as {json.dumps(parsed_fields)}")

    if vector.get("hasUnknownFields"):
        # The fields leave the unknown fields out, so the bytes to compare are Python's re-encoding.
        encoded = parsed.SerializeToString(deterministic=True)
    else:
        encoded = json_format.ParseDict(vector["fields"], cls()).SerializeToString(deterministic=True)
    if encoded != expected:
        problems.append(f"Python encodes {encoded.hex()}, expected {expected.hex()}")
    return problems, encoded


def check_invalid(vector: dict) -> list[str]:
    cls = message_class(vector["message"])
    try:
        cls().ParseFromString(bytes.fromhex(vector["hex"]))
    except DecodeError:
        if vector["name"] in EXPECTED_ACCEPTED:
            return ["Python now rejects this vector; remove it from EXPECTED_ACCEPTED"]
        return []
    if vector["name"] in EXPECTED_ACCEPTED:
        return []
    return [f"Python accepts this {vector['error']} vector ({vector['reason']})"]


def swift_decode(decoder: str, requests: list[tuple[str, bytes]]) -> list[str]:
    """Decode each (message, bytes) with the Swift codec; return one "ok JSON" or "error TEXT" line each."""
    lines = "".join(f"{message} {data.hex()}\n" for message, data in requests)
    result = subprocess.run([decoder, "decode-lines"], input=lines, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"check_vectors: {decoder} decode-lines failed with status {result.returncode}: {result.stderr}")
    output = result.stdout.splitlines()
    if len(output) != len(requests):
        sys.exit(f"check_vectors: {decoder} printed {len(output)} lines for {len(requests)} messages")
    return output


def check_swift_decoding(vector: dict, line: str) -> list[str]:
    if not line.startswith("ok "):
        return [f"Swift rejects the bytes Python encoded: {line.removeprefix('error ')}"]
    decoded = json.loads(line[3:])
    if decoded != vector["fields"]:
        return [f"Swift reads the bytes Python encoded as {json.dumps(decoded)}"]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=pathlib.Path, required=True, help="the folder holding eacp.proto and vectors/")
    parser.add_argument("--swift-decoder", required=True, help="path of the eacp-vectors executable")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as output:
        compile_schema(arguments.spec, pathlib.Path(output))
        vectors = load_vectors(arguments.spec)

        problems: dict[str, list[str]] = {}
        python_bytes: list[tuple[dict, bytes]] = []
        for vector in vectors:
            if vector["valid"]:
                found, encoded = check_valid(vector)
                if encoded is not None:
                    python_bytes.append((vector, encoded))
            else:
                found = check_invalid(vector)
            problems[vector["name"]] = found

        requests = [(vector["message"], encoded) for vector, encoded in python_bytes]
        for (vector, _), line in zip(python_bytes, swift_decode(arguments.swift_decoder, requests)):
            problems[vector["name"]] += check_swift_decoding(vector, line)

    failed = 0
    for vector in vectors:
        for problem in problems[vector["name"]]:
            print(f"FAIL {vector['group']}/{vector['name']}: {problem}")
        failed += bool(problems[vector["name"]])
    names = {vector["name"] for vector in vectors}
    for name in sorted(EXPECTED_ACCEPTED.keys() - names):
        print(f"FAIL {name}: listed in EXPECTED_ACCEPTED, but no vector has this name")
        failed += 1
    accepted = len(EXPECTED_ACCEPTED.keys() & names)
    print(f"{len(vectors)} vectors, {len(vectors) - failed} passed, {failed} failed "
          f"({accepted} invalid vectors that Python accepts are listed with reasons in {pathlib.Path(__file__).name})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
