"""Time Python's protobuf package on vectors from spec/vectors; the Swift benchmark eacp-bench-codec runs it.

Prints one JSON object per line for each vector: the vector name, the encoded size in bytes, and the best
decode and encode rates in messages per second over several rounds.
"""

import argparse
import importlib
import json
import pathlib
import sys
import tempfile
import time

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.internal import api_implementation
from grpc_tools import protoc


def best_rate(operation, round_seconds: float, rounds: int) -> float:
    """Return the highest calls per second of `operation` over `rounds` rounds of at least `round_seconds`."""
    best = 0.0
    for _ in range(rounds):
        count, batch = 0, 64
        start = time.perf_counter()
        while True:
            for _ in range(batch):
                operation()
            count += batch
            elapsed = time.perf_counter() - start
            if elapsed >= round_seconds:
                break
        best = max(best, count / elapsed)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=pathlib.Path, required=True)
    parser.add_argument("--round-seconds", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("vectors", nargs="+", help="names of valid vectors to time")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as output:
        status = protoc.main(["protoc", f"-I{arguments.spec}", f"--python_out={output}",
                              str(arguments.spec / "eacp.proto")])
        if status != 0:
            sys.exit(f"bench_codec: protoc failed with status {status}")
        sys.path.insert(0, output)
        importlib.import_module("eacp_pb2")

    vectors = {}
    for path in sorted((arguments.spec / "vectors").glob("*.json")):
        for vector in json.loads(path.read_text(encoding="utf-8"))["vectors"]:
            vectors[vector["name"]] = vector

    for name in arguments.vectors:
        vector = vectors[name]
        cls = message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(vector["message"]))
        data = bytes.fromhex(vector["hex"])
        message = cls.FromString(data)
        decode = best_rate(lambda: cls.FromString(data), arguments.round_seconds, arguments.rounds)
        encode = best_rate(message.SerializeToString, arguments.round_seconds, arguments.rounds)
        # Whole numbers, because the Swift side reads JSON integers only.
        print(json.dumps({"vector": name, "bytes": len(data), "decodePerSecond": round(decode),
                          "encodePerSecond": round(encode), "implementation": api_implementation.Type()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
