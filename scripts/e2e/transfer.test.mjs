// End-to-end test of a medchain development node through @polkadot/api, the library
// Polkadot.js apps is built on, with no type definitions supplied: everything comes from the
// runtime's metadata.
//
//   node transfer.test.mjs <path to medchain-node>
//
// It starts the node on free local ports, waits for finalized blocks, checks the metadata and
// chain properties, submits a signed transfer, checks its events and the balance change, and
// stops the node. Any failure exits non-zero with the reason and the node's last log lines.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const NODE_BIN = process.argv[2];
const OVERALL_TIMEOUT_MS = 240_000;
const UNIT = 10n ** 12n;

if (!NODE_BIN) {
  console.error('usage: node transfer.test.mjs <path to medchain-node>');
  process.exit(2);
}

const log = (...args) => console.log('[e2e]', ...args);
let nodeProcess;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function startNode(rpcPort, p2pPort, basePath) {
  const args = [
    '--dev',
    '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--no-prometheus',
    '--no-hardware-benchmarks',
    '--no-mdns',
  ];
  log(`starting ${NODE_BIN} ${args.join(' ')}`);
  const child = spawn(NODE_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim()) lines.push(line);
      if (lines.length > 60) lines.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.lastLines = () => lines.join('\n');
  return child;
}

/// Waits until the node answers JSON-RPC over HTTP, then opens the WebSocket connection.
async function connect(port, node) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (node.exitCode !== null) throw new Error(`node exited early with code ${node.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
      });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`node RPC did not come up on port ${port}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return new WsProvider(`ws://127.0.0.1:${port}`);
}

async function waitForFinalized(api, minimum) {
  return withTimeout(
    new Promise((resolve) => {
      let unsubscribe;
      api.rpc.chain
        .subscribeFinalizedHeads((header) => {
          const number = header.number.toNumber();
          if (number >= minimum) {
            unsubscribe?.();
            resolve(number);
          }
        })
        .then((u) => (unsubscribe = u));
    }),
    90_000,
    `finalized block #${minimum}`,
  );
}

function checkMetadata(api, warnings) {
  const metadata = api.runtimeMetadata;
  assert.ok(metadata.version >= 14, `metadata version ${metadata.version} is too old for Polkadot.js`);
  // Decoding every constant of every pallet exercises the type registry built from metadata.
  let constants = 0;
  for (const [pallet, items] of Object.entries(api.consts)) {
    for (const [name, value] of Object.entries(items)) {
      assert.notEqual(value.toHuman(), undefined, `constant ${pallet}.${name} does not decode`);
      constants += 1;
    }
  }
  // Every type in the metadata's registry must resolve without help.
  const lookup = api.registry.lookup;
  for (const { id } of lookup.types) {
    lookup.getTypeDef(id);
  }
  const unresolved = warnings.filter((w) => /Unable to resolve|Unknown type/i.test(w));
  assert.deepEqual(unresolved, [], 'Polkadot.js needed custom types');
  // Polkadot.js treats extensions it has no built-in definition for as carrying no data. That
  // is only correct when the metadata says so: both their payload types must be empty.
  // Metadata v14/v15 call them signed extensions, v16 transaction extensions.
  const { extrinsic } = metadata.asLatest;
  const signedExtensions = extrinsic.signedExtensions ?? extrinsic.transactionExtensions;
  const isEmpty = (typeId) => {
    const def = lookup.getSiType(typeId).def;
    return (def.isTuple && def.asTuple.length === 0) || (def.isComposite && def.asComposite.fields.length === 0);
  };
  for (const warning of warnings.filter((w) => /Unknown signed extensions/i.test(w))) {
    const names = warning.replace(/.*Unknown signed extensions (.*) found.*/s, '$1').split(',').map((n) => n.trim());
    for (const name of names) {
      const ext = signedExtensions.find((e) => e.identifier.toString() === name);
      assert.ok(ext, `Polkadot.js reported an extension the metadata does not list: ${name}`);
      assert.ok(isEmpty(ext.type) && isEmpty(ext.additionalSigned ?? ext.implicit), `extension ${name} carries data Polkadot.js cannot encode`);
    }
  }
  const extensions = signedExtensions.map((e) => e.identifier.toString());
  assert.ok(extensions.includes('CheckMetadataHash'), `CheckMetadataHash missing from ${extensions}`);
  log(`metadata v${metadata.version}: ${lookup.types.length} types, ${constants} constants decoded, extensions ${extensions.join(', ')}`);
}

async function transfer(api, from, to, amount) {
  return withTimeout(
    new Promise((resolve, reject) => {
      api.tx.balances
        .transferKeepAlive(to, amount)
        .signAndSend(from, ({ status, events, dispatchError }) => {
          if (dispatchError) {
            const detail = dispatchError.isModule
              ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(dispatchError.asModule))
              : dispatchError.toString();
            reject(new Error(`transfer failed: ${detail}`));
          } else if (status.isFinalized) {
            resolve({ blockHash: status.asFinalized, events });
          } else if (status.isDropped || status.isInvalid || status.isUsurped) {
            reject(new Error(`transfer not included: ${status.type}`));
          }
        })
        .catch(reject);
    }),
    90_000,
    'transfer finalized',
  );
}

async function main() {
  await cryptoWaitReady();
  const [rpcPort, p2pPort] = [await freePort(), await freePort()];
  const basePath = mkdtempSync(join(tmpdir(), 'medchain-e2e-'));
  const node = startNode(rpcPort, p2pPort, basePath);
  nodeProcess = node;
  const warnings = [];
  const originalWarn = console.warn;
  console.warn = (...args) => {
    warnings.push(args.join(' '));
    originalWarn(...args);
  };
  let api;
  try {
    const provider = await connect(rpcPort, node);
    api = await withTimeout(ApiPromise.create({ provider, throwOnConnect: true }), 60_000, 'API ready');
    const [chain, version] = [await api.rpc.system.chain(), api.runtimeVersion];
    log(`connected to "${chain}", runtime ${version.specName} v${version.specVersion}`);

    // Blocks are produced and finalized.
    const finalized = await waitForFinalized(api, 2);
    log(`finalized block #${finalized}`);

    // The RPC answers state_getMetadata and the metadata is self-sufficient.
    const rawMetadata = await api.rpc.state.getMetadata();
    assert.ok(rawMetadata.toU8a().length > 10_000, 'state_getMetadata returned too little');
    checkMetadata(api, warnings);

    // Chain properties give wallets the token.
    assert.deepEqual(api.registry.chainTokens, ['MED']);
    assert.deepEqual(api.registry.chainDecimals, [12]);
    assert.equal(api.registry.chainSS58, 42);

    // A signed transfer from Alice to a brand-new account.
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const recipient = keyring.addFromUri(mnemonicGenerate());
    const amount = 5n * UNIT;
    const before = (await api.query.system.account(alice.address)).data.free.toBigInt();
    const { blockHash, events } = await transfer(api, alice, recipient.address, amount);
    log(`transfer finalized in block ${blockHash.toHex()}`);

    const find = (section, method) => events.find(({ event }) => event.section === section && event.method === method);
    assert.ok(find('system', 'ExtrinsicSuccess'), 'no system.ExtrinsicSuccess event');
    const transferEvent = find('balances', 'Transfer');
    assert.ok(transferEvent, 'no balances.Transfer event');
    const [from, to, value] = transferEvent.event.data;
    assert.equal(from.toString(), alice.address);
    assert.equal(to.toString(), recipient.address);
    assert.equal(value.toBigInt(), amount);
    const feeEvent = find('transactionPayment', 'TransactionFeePaid');
    assert.ok(feeEvent, 'no transactionPayment.TransactionFeePaid event');
    const fee = feeEvent.event.data[1].toBigInt();
    assert.ok(fee > 0n, 'the transfer paid no fee');

    const at = await api.at(blockHash);
    const received = (await at.query.system.account(recipient.address)).data.free.toBigInt();
    const after = (await at.query.system.account(alice.address)).data.free.toBigInt();
    assert.equal(received, amount, 'recipient balance');
    assert.equal(before - after, amount + fee, 'sender paid the amount plus the fee');
    log(`recipient holds ${received} (5 MED), sender paid ${amount} + fee ${fee}`);
    log('PASS');
  } finally {
    console.warn = originalWarn;
    await api?.disconnect().catch(() => {});
    node.kill('SIGINT');
    const exit = await withTimeout(node.exited, 20_000, 'node shutdown').catch(() => {
      node.kill('SIGKILL');
      return { code: null, signal: 'SIGKILL' };
    });
    log(`node stopped (${exit.signal ?? exit.code})`);
    rmSync(basePath, { recursive: true, force: true });
  }
}

withTimeout(main(), OVERALL_TIMEOUT_MS, 'end-to-end test')
  .then(() => process.exit(0))
  .catch((error) => {
    const detail = error instanceof Error ? error.stack : JSON.stringify(error);
    console.error(`[e2e] FAIL: ${detail}`);
    if (nodeProcess) console.error(`[e2e] last node output:\n${nodeProcess.lastLines()}`);
    process.exit(1);
  });
