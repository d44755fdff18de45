"""Reads cargo's JSON messages (`--message-format=json`) on stdin; used by scripts/lib.sh.

    cargo_messages.py executables   prints {"<binary name>": "<path>", ...} of the bin targets
                                    the build produced or found up to date
    cargo_messages.py fresh         exits 1, naming them, if the build compiled any unit
"""

import json
import sys


def artifacts(stream):
    for line in stream:
        line = line.strip()
        if not line.startswith("{"):
            continue
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact":
            yield message


def executables(stream):
    found = {}
    for artifact in artifacts(stream):
        target = artifact["target"]
        # Test harnesses are executables too; only `[[bin]]` targets are run by the suites.
        if "bin" in target["kind"] and artifact.get("executable") and not artifact["profile"]["test"]:
            found[target["name"]] = artifact["executable"]
    json.dump(found, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


def fresh(stream):
    compiled = sorted({f'{a["package_id"]} ({a["target"]["name"]})' for a in artifacts(stream) if not a["fresh"]})
    if compiled:
        print(f"[fresh] a second build compiled {len(compiled)} unit(s) again:", file=sys.stderr)
        for unit in compiled[:40]:
            print(f"[fresh]   {unit}", file=sys.stderr)
        return 1
    print("[fresh] nothing to compile: every command reuses this build", file=sys.stderr)
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in ("executables", "fresh"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit({"executables": executables, "fresh": fresh}[command](sys.stdin))
