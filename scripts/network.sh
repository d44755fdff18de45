#!/usr/bin/env bash
# medchain as it will run: a local network of a rococo-local relay chain (two validators),
# medchain as para 2000 with two collators (Alice, Bob) and a full node for clients, started by
# zombienet (native provider) from zombienet/medchain-local.toml. Only loopback addresses.
#
#   scripts/network.sh          builds what is missing, starts the network, prints the endpoints;
#                               Ctrl-C stops it
#   scripts/network.sh test     runs zombienet/medchain-local.zndsl against a new network, prints
#                               the figures, exits non-zero on any failure
#
# Builds what is missing first: the shared build (scripts/build.sh), the relay chain binaries
# (scripts/relay.sh, from crates.io), for `test` the next runtime for the upgrade check
# (medchain_rehearsal_wasm), and zombienet from npm (zombienet/package-lock.json). Each node's
# base path and log are under $MEDCHAIN_HOME/network/run. Measured times: docs/network.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

mode="${1:-spawn}"
case "$mode" in
spawn | test) ;;
*)
	echo "usage: scripts/network.sh [test]" >&2
	exit 2
	;;
esac

"$ROOT/scripts/build.sh" >&2
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"
cd "$ROOT"
relay_bin="$("$ROOT/scripts/relay.sh")"
export POLKADOT="$relay_bin/polkadot"
MEDCHAIN_NODE="$(medchain_binary medchain-node)"
export MEDCHAIN_NODE
MEDCHAIN_CRYPTO="$(medchain_binary medchain-crypto)"
export MEDCHAIN_CRYPTO
(cd scripts/e2e && npm ci --no-audit --no-fund --loglevel=error)
(cd zombienet && npm ci --no-audit --no-fund --loglevel=error)

run_dir="$MEDCHAIN_HOME/network/run"
# Processes of an earlier network that did not stop (their command lines name its directory).
pkill -KILL -f -- "$run_dir/" 2>/dev/null || true
rm -rf "$run_dir"
mkdir -p "$(dirname "$run_dir")"
export MEDCHAIN_NETWORK_OUT="$MEDCHAIN_HOME/network/out"
rm -rf "$MEDCHAIN_NETWORK_OUT"
mkdir -p "$MEDCHAIN_NETWORK_OUT"
# How long the test keeps a collator and the full node down before restarting them.
export MEDCHAIN_COLLATOR_DOWN_SECONDS=36
export MEDCHAIN_FULL_NODE_DOWN_SECONDS=60

# medchain's chain spec, made as docs/network.md tells an operator: the `local` preset's plain
# spec (para id 2000, collators Alice and Bob, relay chain rococo-local), then its raw form.
spec_dir="$MEDCHAIN_HOME/network/spec"
mkdir -p "$spec_dir"
"$MEDCHAIN_NODE" build-spec --chain local --disable-default-bootnode >"$spec_dir/medchain-local.json" 2>/dev/null
"$MEDCHAIN_NODE" build-spec --chain "$spec_dir/medchain-local.json" --raw --disable-default-bootnode \
	>"$spec_dir/medchain-local-raw.json" 2>/dev/null
export MEDCHAIN_PARA_SPEC="$spec_dir/medchain-local-raw.json"
# The operator's next steps: what registering the para on a relay chain asks for (the onboarding
# check compares it with what the relay chain registered), and a collator's Aura key.
"$MEDCHAIN_NODE" export-genesis-head --chain "$MEDCHAIN_PARA_SPEC" --base-path "$spec_dir/export" \
	"$spec_dir/genesis-head.hex" 2>/dev/null
"$MEDCHAIN_NODE" export-genesis-wasm --chain "$MEDCHAIN_PARA_SPEC" "$spec_dir/genesis-wasm.hex" 2>/dev/null
export MEDCHAIN_PARA_GENESIS="$spec_dir"
rm -rf "$spec_dir/collator"
"$MEDCHAIN_NODE" key insert --chain "$MEDCHAIN_PARA_SPEC" --base-path "$spec_dir/collator" \
	--scheme sr25519 --key-type aura --suri //Alice
alice_aura="$("$MEDCHAIN_NODE" key inspect //Alice | sed -n 's/^ *Public key (hex): *0x//p')"
# A keystore file is named by the key type's four bytes ("aura") and the public key, in hex.
[ -f "$spec_dir/collator/chains/medchain-local/keystore/61757261$alice_aura" ] || {
	echo "[network] key insert did not put //Alice's Aura key in $spec_dir/collator" >&2
	exit 1
}

zombienet=(node "$ROOT/zombienet/node_modules/@zombienet/cli/dist/cli.js" --provider native --dir "$run_dir" --force)
stop() {
	pkill -KILL -f -- "$run_dir/" 2>/dev/null || true
}
trap stop EXIT

cat <<EOF
[network] relay chain: $("$POLKADOT" --version)   para: $("$MEDCHAIN_NODE" --version)
[network] endpoints once the network is up (zombienet prints its own table too):
[network]   relay chain    ws://127.0.0.1:9900  (relay-alice), ws://127.0.0.1:9901 (relay-bob)
[network]   medchain       ws://127.0.0.1:9944  (full node, for clients)
[network]   collators      ws://127.0.0.1:9910  (alice), ws://127.0.0.1:9911 (bob)
[network]   Polkadot.js    https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer
[network]                  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9900#/parachains
[network]   logs           $run_dir/<node>.log
EOF

if [ "$mode" = spawn ]; then
	"${zombienet[@]}" spawn zombienet/medchain-local.toml
	exit 0
fi

MEDCHAIN_UPGRADE_WASM="$(medchain_rehearsal_wasm)"
export MEDCHAIN_UPGRADE_WASM
started=$(date +%s)
status=0
"${zombienet[@]}" test zombienet/medchain-local.zndsl || status=$?
echo "[network] test $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - started)) s; figures:"
python3 -c 'import json, sys; [print(f"[network]   {k}: {v}") for k, v in json.load(open(sys.argv[1])).items()]' \
	"$MEDCHAIN_NETWORK_OUT/figures.json" 2>/dev/null || echo "[network]   (none recorded)"
exit "$status"
