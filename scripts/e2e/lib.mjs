// Shared helpers of the end-to-end tests: start a dev node on free ports, connect with
// @polkadot/api (no type definitions: everything comes from metadata), submit and wait.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const UNIT = 10n ** 12n;
export const log = (...args) => console.log('[e2e]', ...args);

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function freePort() {
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

/// Starts `medchain-node --dev` on free ports with a temporary base path; `blockTime` (ms) sets
/// `--dev-block-time` (the node's default is 3000).
export async function startNode(binary, { blockTime } = {}) {
  const [rpcPort, p2pPort] = [await freePort(), await freePort()];
  const basePath = mkdtempSync(join(tmpdir(), 'medchain-e2e-'));
  const args = [
    '--dev',
    '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--no-prometheus',
    '--no-hardware-benchmarks',
    '--no-mdns',
    ...(blockTime ? ['--dev-block-time', String(blockTime)] : []),
  ];
  log(`starting ${binary} ${args.join(' ')}`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const spawnedAt = Date.now();
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim()) lines.push(line);
      if (lines.length > 60) lines.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    rpcPort,
    child,
    spawnedAt,
    lastLines: () => lines.join('\n'),
    async stop() {
      child.kill('SIGINT');
      const exit = await withTimeout(exited, 20_000, 'node shutdown').catch(() => {
        child.kill('SIGKILL');
        return { code: null, signal: 'SIGKILL' };
      });
      rmSync(basePath, { recursive: true, force: true });
      return exit;
    },
  };
}

/// Waits until the node answers JSON-RPC over HTTP, then connects the API over WebSocket.
export async function connect(node, warnings) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (node.child.exitCode !== null) throw new Error(`node exited early with code ${node.child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
      });
      if (response.ok) {
        log(`node answered RPC ${((Date.now() - node.spawnedAt) / 1000).toFixed(1)} s after its start`);
        break;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`node RPC did not come up on port ${node.rpcPort}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const originalWarn = console.warn;
  console.warn = (...args) => {
    warnings.push(args.join(' '));
    originalWarn(...args);
  };
  const provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`);
  return withTimeout(ApiPromise.create({ provider, throwOnConnect: true }), 60_000, 'API ready');
}

export async function waitForFinalized(api, minimum, timeoutMs = 90_000) {
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
    timeoutMs,
    `finalized block #${minimum}`,
  );
}

/// Signs and submits `tx`, waits until it is finalized, and returns its block hash and events.
/// A failed dispatch rejects with `section.Error`.
export async function submit(api, tx, signer, what) {
  return withTimeout(
    new Promise((resolve, reject) => {
      tx.signAndSend(signer, ({ status, events, dispatchError }) => {
        if (dispatchError) {
          const detail = dispatchError.isModule
            ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(dispatchError.asModule))
            : dispatchError.toString();
          reject(new Error(`${what} failed: ${detail}`));
        } else if (status.isFinalized) {
          resolve({ blockHash: status.asFinalized, events });
        } else if (status.isDropped || status.isInvalid || status.isUsurped) {
          reject(new Error(`${what} not included: ${status.type}`));
        }
      }).catch(reject);
    }),
    90_000,
    `${what} finalized`,
  );
}

/// The first event `section.method` among `events`, or undefined.
export function findEvent(events, section, method) {
  return events.find(({ event }) => event.section === section && event.method === method)?.event;
}

// The one @polkadot/api of the repository's tests, for the network checks (zombienet/checks).
export { ApiPromise, WsProvider };
export { Keyring } from '@polkadot/keyring';
export { blake2AsHex, cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
export { hexToU8a } from '@polkadot/util';
