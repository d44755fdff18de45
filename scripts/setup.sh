#!/usr/bin/env bash
# Makes this machine able to build medchain, including the WASM runtime. Idempotent: a second
# run checks, prints and changes nothing. Needs no person: every step is non-interactive.
#
#   scripts/setup.sh            rustup first (with a time limit), Debian's packages as fallback
#   scripts/setup.sh --debian   force the Debian path (also: MEDCHAIN_TOOLCHAIN=debian)
#
# It writes the variables the build needs to "$MEDCHAIN_HOME/env" (default ~/.cache/medchain/env),
# which scripts/dev.sh and scripts/test.sh source.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
TARGET_DIR="${CARGO_TARGET_DIR:-$MEDCHAIN_HOME/target}"
MODE="${MEDCHAIN_TOOLCHAIN:-auto}"
[ "${1:-}" = "--debian" ] && MODE=debian
RUSTUP_TIMEOUT="${MEDCHAIN_RUSTUP_TIMEOUT:-300}"
DEBIAN_TOOLCHAIN=medchain-debian
WASM_TARGET=wasm32v1-none

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: cannot install system packages"
	SUDO="sudo"
fi

APT_UPDATED=0
apt_install() {
	local missing=()
	for pkg in "$@"; do
		dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	if [ "$APT_UPDATED" -eq 0 ]; then
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		APT_UPDATED=1
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# 1. System packages: clang/libclang for bindgen (RocksDB), protoc for libp2p, a C++ compiler,
#    mold (the linker, see .cargo/config.toml), libssl-dev (OpenSSL is linked, not compiled);
#    openssl makes the end-to-end tests' certificates for an HTTPS vault.
apt_install clang libclang-dev protobuf-compiler g++ make pkg-config git ca-certificates curl openssl mold libssl-dev
log "system packages present"

# 2. The host toolchain pinned in rust-toolchain.toml.
command -v rustup >/dev/null || die "rustup not found; install Rust with rustup first"
PINNED="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")"
HOST_TOOLCHAIN="$PINNED"
if ! rustup toolchain list | grep -q "^$PINNED"; then
	log "installing Rust $PINNED with rustup (time limit ${RUSTUP_TIMEOUT}s)"
	if ! timeout "$RUSTUP_TIMEOUT" rustup toolchain install "$PINNED" --profile minimal; then
		HOST_TOOLCHAIN="$(rustup default | cut -d' ' -f1)"
		log "rustup could not install $PINNED; building the host side with $HOST_TOOLCHAIN"
	fi
fi
log "host toolchain: $HOST_TOOLCHAIN ($(rustup run "$HOST_TOOLCHAIN" rustc --version))"

has_wasm_std() { # $1 = sysroot
	ls "$1/lib/rustlib/$WASM_TARGET/lib/"libcore-*.rlib >/dev/null 2>&1
}

# 3. A standard library for the WASM target.
WASM_TOOLCHAIN=""
if [ "$MODE" != debian ]; then
	sysroot="$(rustup run "$HOST_TOOLCHAIN" rustc --print sysroot)"
	if has_wasm_std "$sysroot"; then
		WASM_TOOLCHAIN="$HOST_TOOLCHAIN"
	else
		log "adding $WASM_TARGET and rust-src to $HOST_TOOLCHAIN with rustup (time limit ${RUSTUP_TIMEOUT}s)"
		if timeout "$RUSTUP_TIMEOUT" rustup target add --toolchain "$HOST_TOOLCHAIN" "$WASM_TARGET" &&
			timeout "$RUSTUP_TIMEOUT" rustup component add --toolchain "$HOST_TOOLCHAIN" rust-src &&
			has_wasm_std "$sysroot"; then
			WASM_TOOLCHAIN="$HOST_TOOLCHAIN"
		else
			log "rustup did not provide $WASM_TARGET: falling back to Debian's rustc-web"
		fi
	fi
fi

if [ -z "$WASM_TOOLCHAIN" ]; then
	# Debian's rustc-web knows the target but ships no precompiled core/alloc for it: build them
	# from rust-web-src, with bitcode embedded because the runtime is linked with LTO.
	apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
	rustup toolchain list | grep -q "^$DEBIAN_TOOLCHAIN" || rustup toolchain link "$DEBIAN_TOOLCHAIN" /usr
	if ! has_wasm_std /usr; then
		log "building core and alloc for $WASM_TARGET from rust-web-src"
		work="$(mktemp -d)"
		mkdir -p "$work/src"
		cat >"$work/Cargo.toml" <<-TOML
			[package]
			name = "wasm-std-bootstrap"
			version = "0.0.0"
			edition = "2021"
			[lib]
			crate-type = ["rlib"]
		TOML
		# An empty no_std library: `-Zbuild-std=core,alloc` compiles the libraries themselves.
		echo '#![no_std]' >"$work/src/lib.rs"
		(cd "$work" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes" \
			cargo "+$DEBIAN_TOOLCHAIN" build --quiet --release --target "$WASM_TARGET" \
			-Zbuild-std=core,alloc --target-dir "$work/target")
		$SUDO mkdir -p "/usr/lib/rustlib/$WASM_TARGET/lib"
		for lib in core alloc compiler_builtins; do
			$SUDO cp "$work/target/$WASM_TARGET/release/deps/lib$lib"-*.rlib "/usr/lib/rustlib/$WASM_TARGET/lib/"
		done
		rm -rf "$work"
	fi
	has_wasm_std /usr || die "the Debian toolchain still has no $WASM_TARGET standard library"
	WASM_TOOLCHAIN="$DEBIAN_TOOLCHAIN"
fi
log "WASM toolchain: $WASM_TOOLCHAIN ($(rustup run "$WASM_TOOLCHAIN" rustc --version))"

# 4. When the WASM toolchain changes, cargo does not notice: drop the runtime's WASM build.
mkdir -p "$MEDCHAIN_HOME" "$TARGET_DIR"
stamp="$MEDCHAIN_HOME/wasm-toolchain"
current="$WASM_TOOLCHAIN $(rustup run "$WASM_TOOLCHAIN" rustc --version)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "$current" ]; then
	log "WASM toolchain changed: removing the old runtime WASM build"
	rm -rf "$TARGET_DIR"/*/wbuild/medchain-runtime/target
fi
echo "$current" >"$stamp"

# 5. The environment the other scripts use.
# Only what differs from the defaults is exported, so builds started by hand with the same
# CARGO_TARGET_DIR stay incremental.
{
	echo "# Written by scripts/setup.sh; sourced by scripts/dev.sh and scripts/test.sh."
	echo "export CARGO_TARGET_DIR=\"$TARGET_DIR\""
	# The target directory is outside the workspace: tell the WASM builder where Cargo.lock is,
	# so the runtime's WASM is built with the locked versions.
	echo "export WASM_BUILD_WORKSPACE_HINT=\"$ROOT\""
	[ "$HOST_TOOLCHAIN" != "$PINNED" ] && echo "export RUSTUP_TOOLCHAIN=\"$HOST_TOOLCHAIN\""
	[ "$WASM_TOOLCHAIN" != "$HOST_TOOLCHAIN" ] && echo "export WASM_BUILD_TOOLCHAIN=\"$WASM_TOOLCHAIN\""
	true
} >"$MEDCHAIN_HOME/env"
log "ready: target directory $TARGET_DIR (environment in $MEDCHAIN_HOME/env)"
