// End-to-end tests of a medchain development node through @polkadot/api, the library
// Polkadot.js apps is built on, with no type definitions supplied.
//
//   node run.mjs <path to medchain-node> [suite ...]
//
// Starts one node on free local ports, runs the suites in order (default: all), and stops the
// node. The `stats` suite makes its proofs with the `medchain-crypto` tool, found beside the
// node binary (`cargo build --release -p medchain-crypto --features cli`); the `client` suite
// runs `medchain` and `medchain-vault`, and the `client_supply` suite `medchain`, also found there. Any failure exits non-zero with the reason and the node's last log lines.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { connect, log, startNode, withTimeout } from './lib.mjs';

const SUITES = ['foundation', 'records', 'consent', 'supply', 'stats', 'client', 'client_supply'];
const [binary, ...selected] = process.argv.slice(2);
const OVERALL_TIMEOUT_MS = 1_500_000;

if (!binary) {
  console.error(`usage: node run.mjs <path to medchain-node> [${SUITES.join('|')} ...]`);
  process.exit(2);
}

let node;

async function main() {
  await cryptoWaitReady();
  node = await startNode(binary);
  const warnings = [];
  let api;
  try {
    api = await connect(node, warnings);
    const [chain, version] = [await api.rpc.system.chain(), api.runtimeVersion];
    log(`connected to "${chain}", runtime ${version.specName} v${version.specVersion}`);
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const tool = join(dirname(binary), 'medchain-crypto');
    const cryptoTool = existsSync(tool) ? tool : undefined;
    // The `client` suite drives the `medchain` command and a `medchain-vault` (built with
    // `cargo build --release -p medchain-client -p medchain-vault`), also beside the node binary.
    const beside = (name) => (existsSync(join(dirname(binary), name)) ? join(dirname(binary), name) : undefined);
    const medchain = beside('medchain');
    const vaultBinary = beside('medchain-vault');
    const nodeUrl = `ws://127.0.0.1:${node.rpcPort}`;
    for (const name of selected.length ? selected : SUITES) {
      log(`suite ${name}`);
      const suite = await import(`./${name}.mjs`);
      await suite.run(api, { warnings, keyring, cryptoTool, medchain, vaultBinary, nodeUrl });
      log(`suite ${name}: PASS`);
    }
  } finally {
    await api?.disconnect().catch(() => {});
    const exit = await node.stop();
    log(`node stopped (${exit.signal ?? exit.code})`);
  }
}

withTimeout(main(), OVERALL_TIMEOUT_MS, 'end-to-end tests')
  .then(() => {
    log('PASS');
    process.exit(0);
  })
  .catch((error) => {
    const detail = error instanceof Error ? error.stack : JSON.stringify(error);
    console.error(`[e2e] FAIL: ${detail}`);
    if (node) console.error(`[e2e] last node output:\n${node.lastLines()}`);
    process.exit(1);
  });
