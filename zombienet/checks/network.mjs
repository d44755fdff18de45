// The checks of medchain-local.zndsl that zombienet's DSL cannot say, with the repository's one
// @polkadot/api (scripts/e2e). Each is called through check.js as
//   <node>: js-script ./checks/check.js with "<check>" within <seconds> seconds
// and throws on any failure. What one check must leave for a later one (a record, the moment a
// node was killed) goes to $MEDCHAIN_NETWORK_OUT/state.json; the figures to figures.json, which
// scripts/network.sh prints at the end.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiPromise,
  Keyring,
  UNIT,
  WsProvider,
  blake2AsHex,
  cryptoWaitReady,
  findEvent,
  hexToU8a,
  mnemonicGenerate,
  submit,
  waitForFinalized,
  withTimeout,
} from '../../scripts/e2e/lib.mjs';
import { run as upgradeRun } from '../../scripts/e2e/upgrade.mjs';

const PARA_ID = 2000;
const COLLATORS = ['alice', 'bob'];
// The end-to-end suites that fill every pallet before the upgrade, in scripts/e2e/run.mjs's order.
const PALLET_SUITES = ['records', 'consent', 'supply', 'stats'];
// Para blocks over which block time and finality lag are measured.
const MEASURED_BLOCKS = 12;
// How long alice and the full node stay down (the DSL's `restart after N seconds`): scripts/network.sh
// sets both for the test file and for these checks.
const downSeconds = (name) => {
  const value = Number(process.env[name]);
  assert.ok(value > 0, `${name} must be set (scripts/network.sh sets it)`);
  return value;
};

const out = () => {
  const dir = process.env.MEDCHAIN_NETWORK_OUT;
  assert.ok(dir, 'MEDCHAIN_NETWORK_OUT must name the directory for state.json and figures.json (scripts/network.sh sets it)');
  return dir;
};
const readJson = (name) => (existsSync(join(out(), name)) ? JSON.parse(readFileSync(join(out(), name), 'utf8')) : {});
const writeJson = (name, value) => writeFileSync(join(out(), name), `${JSON.stringify(value, null, 2)}\n`);
const remember = (key, value) => writeJson('state.json', { ...readJson('state.json'), [key]: value });
const recall = (key) => {
  const value = readJson('state.json')[key];
  assert.ok(value !== undefined, `no ${key} in state.json: run the checks in medchain-local.zndsl's order`);
  return value;
};
const figure = (name, value) => {
  writeJson('figures.json', { ...readJson('figures.json'), [name]: value });
  console.log(`[network] ${name}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
};
const log = (...args) => console.log('[network]', ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => Math.round(ms / 100) / 10;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/// Connects to node `name` of the running network, retrying while it starts.
async function connect(networkInfo, name, timeoutMs = 120_000) {
  const node = networkInfo.nodesByName[name];
  assert.ok(node, `no node ${name} in the network`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // No automatic reconnection: a node that zombienet restarts is connected to again here, and
    // a provider left retrying in the background would keep the check's process alive.
    const provider = new WsProvider(node.wsUri, false);
    try {
      await withTimeout(provider.connect(), 10_000, `connection to ${name}`);
      return await withTimeout(ApiPromise.create({ provider, throwOnConnect: true }), 30_000, `API of ${name}`);
    } catch (error) {
      await provider.disconnect().catch(() => {});
      if (Date.now() > deadline) throw new Error(`${name} (${node.wsUri}) did not answer: ${error.message}`);
      await sleep(2_000);
    }
  }
}

async function withApis(networkInfo, names, body) {
  const apis = {};
  try {
    for (const name of names) apis[name] = await connect(networkInfo, name);
    return await body(apis);
  } finally {
    await Promise.all(Object.values(apis).map((api) => api.disconnect().catch(() => {})));
  }
}

/// The para block `hash`'s timestamp and Aura author (the collator whose slot it was).
async function blockFacts(api, hash, authorsByKey) {
  const at = await api.at(hash);
  const [now, authorities, header] = await Promise.all([at.query.timestamp.now(), at.query.aura.authorities(), api.rpc.chain.getHeader(hash)]);
  const preRuntime = header.digest.logs.find((item) => item.isPreRuntime && item.asPreRuntime[0].toString() === 'aura');
  assert.ok(preRuntime, `para block ${hash} has no Aura pre-runtime digest`);
  const slot = api.createType('u64', preRuntime.asPreRuntime[1].toU8a(true)).toBigInt();
  const key = authorities[Number(slot % BigInt(authorities.length))].toHex();
  return { number: header.number.toNumber(), timestamp: now.toNumber(), author: authorsByKey[key] ?? key };
}

/// The collators' Aura keys (the `local_testnet` preset's //Alice and //Bob), by hex public key.
async function collatorKeys() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const keyOf = (name) => `0x${Buffer.from(keyring.addFromUri(`//${name[0].toUpperCase()}${name.slice(1)}`).publicKey).toString('hex')}`;
  return Object.fromEntries(COLLATORS.map((name) => [keyOf(name), name]));
}

/// The para head that the relay chain's finalized state has included for para 2000.
async function relayIncludedHead(relay, para) {
  const finalized = await relay.rpc.chain.getFinalizedHead();
  const head = await (await relay.at(finalized)).query.paras.heads(PARA_ID);
  assert.ok(head.isSome, 'the relay chain has no head for para 2000');
  const header = para.createType('Header', head.unwrap().toU8a(true));
  return { relayBlock: finalized.toHex(), number: header.number.toNumber(), hash: header.hash.toHex() };
}

const checks = {
  /// Para 2000 is a parachain on the relay chain, and its first block came this long after the
  /// relay chain's first block (both by their on-chain timestamps).
  async onboarding(_node, networkInfo) {
    await withApis(networkInfo, ['relay-alice', 'full-node'], async ({ 'relay-alice': relay, 'full-node': para }) => {
      const lifecycle = await relay.query.paras.paraLifecycles(PARA_ID);
      assert.equal(lifecycle.unwrap().toString(), 'Parachain', 'para 2000 lifecycle on the relay chain');
      // What the operator's export-genesis-head and export-genesis-wasm wrote (scripts/network.sh)
      // is what the relay chain's genesis registered.
      const exported = process.env.MEDCHAIN_PARA_GENESIS;
      assert.ok(exported, 'MEDCHAIN_PARA_GENESIS must name the exported genesis head and code (scripts/network.sh sets it)');
      const relayGenesis = await relay.at(await relay.rpc.chain.getBlockHash(0));
      const registeredHead = (await relayGenesis.query.paras.heads(PARA_ID)).unwrap().toHex();
      assert.equal(registeredHead, readFileSync(join(exported, 'genesis-head.hex'), 'utf8').trim(), 'the relay chain registered another genesis head');
      const registeredCode = (await relayGenesis.query.paras.currentCodeHash(PARA_ID)).unwrap().toHex();
      assert.equal(registeredCode, blake2AsHex(hexToU8a(readFileSync(join(exported, 'genesis-wasm.hex'), 'utf8').trim())), 'the relay chain registered other code');
      log(`the relay chain registered the exported genesis head and code (${registeredCode})`);
      const relayFirst = await (await relay.at(await relay.rpc.chain.getBlockHash(1))).query.timestamp.now();
      const paraFirst = await (await para.at(await para.rpc.chain.getBlockHash(1))).query.timestamp.now();
      figure('time to first para block (s, after the relay chain first block)', seconds(paraFirst.toNumber() - relayFirst.toNumber()));
    });
  },

  /// Over MEASURED_BLOCKS new para blocks: the block time (on-chain timestamps), how long after
  /// each block is first seen it is finalized (the para's finality comes from the relay chain's
  /// inclusion), and that the relay chain's finalized state includes a head of the para's chain.
  async finality(_node, networkInfo) {
    await withApis(networkInfo, ['full-node', 'relay-alice'], async ({ 'full-node': para, 'relay-alice': relay }) => {
      const seen = new Map();
      const lags = [];
      const timestamps = [];
      let unsubscribeNew;
      let unsubscribeFinal;
      await withTimeout(
        new Promise((resolve, reject) => {
          let start = null;
          para.rpc.chain
            .subscribeNewHeads((header) => {
              const number = header.number.toNumber();
              if (start === null) start = number + 1;
              if (number >= start && !seen.has(number)) seen.set(number, Date.now());
            })
            .then((u) => (unsubscribeNew = u), reject);
          para.rpc.chain
            .subscribeFinalizedHeads(async (header) => {
              const number = header.number.toNumber();
              const now = Date.now();
              for (const [n, at] of seen) {
                if (n <= number && at !== null) {
                  lags.push(now - at);
                  seen.set(n, null);
                }
              }
              if (lags.length >= MEASURED_BLOCKS) resolve();
            })
            .then((u) => (unsubscribeFinal = u), reject);
        }),
        600_000,
        `${MEASURED_BLOCKS} para blocks finalized`,
      );
      unsubscribeNew?.();
      unsubscribeFinal?.();
      const finalized = (await para.rpc.chain.getHeader(await para.rpc.chain.getFinalizedHead())).number.toNumber();
      for (let n = finalized - MEASURED_BLOCKS; n <= finalized; n += 1) {
        timestamps.push((await (await para.at(await para.rpc.chain.getBlockHash(n))).query.timestamp.now()).toNumber());
      }
      const gaps = timestamps.slice(1).map((t, i) => t - timestamps[i]);
      figure('para block time (s, median of 12)', seconds(median(gaps)));
      figure('finality lag (s, first seen to finalized, median / max of 12)', [seconds(median(lags)), seconds(Math.max(...lags))]);
      // Finalized through the relay chain: the para head that the relay's finalized state
      // includes is on the full node's chain, which finalizes it.
      const included = await relayIncludedHead(relay, para);
      const paraFinalized = await waitForFinalized(para, included.number, 120_000);
      assert.equal((await para.rpc.chain.getBlockHash(included.number)).toHex(), included.hash, `the para head included at relay block ${included.relayBlock} is not on the full node's chain`);
      log(`relay chain includes para head #${included.number} (${included.hash}); full node finalized #${paraFinalized}`);
    });
  },

  /// A record registered through the full node's RPC, finalized, then read from both collators:
  /// the same block hash and state root at its height, and the same record through the runtime API.
  async record(_node, networkInfo) {
    await withApis(networkInfo, ['full-node', ...COLLATORS], async (apis) => {
      const api = apis['full-node'];
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519' });
      const alice = keyring.addFromUri('//Alice');
      const patient = keyring.addFromUri(mnemonicGenerate());
      const custodian = keyring.addFromUri(mnemonicGenerate());
      await submit(api, api.tx.balances.transferKeepAlive(patient.address, 10n * UNIT), alice, 'funding the patient');
      const contentHash = blake2AsHex('ciphertext of a record registered on the parachain network');
      const tx = api.tx.medicalRecords.registerRecord(patient.address, 'Summary', 'Normal', contentHash, 'vault://network/1', custodian.address);
      const registered = await submit(api, tx, patient, 'record registration');
      const event = findEvent(registered.events, 'medicalRecords', 'RecordRegistered');
      assert.ok(event, 'no medicalRecords.RecordRegistered');
      const id = event.data.id.toNumber();
      const blockHash = registered.blockHash.toHex();
      const header = await api.rpc.chain.getHeader(blockHash);
      const number = header.number.toNumber();
      const expected = (await (await api.at(blockHash)).call.medicalRecordsApi.record(id)).toJSON();
      assert.equal(expected.contentHash, contentHash);
      for (const name of COLLATORS) {
        const collator = apis[name];
        await waitForFinalized(collator, number, 120_000);
        assert.equal((await collator.rpc.chain.getBlockHash(number)).toHex(), blockHash, `${name}: block hash at #${number}`);
        assert.equal((await collator.rpc.chain.getHeader(blockHash)).stateRoot.toHex(), header.stateRoot.toHex(), `${name}: state root of #${number}`);
        assert.deepEqual((await (await collator.at(blockHash)).call.medicalRecordsApi.record(id)).toJSON(), expected, `${name}: record ${id}`);
      }
      remember('record', { id, blockHash, number, txHash: tx.hash.toHex(), value: expected });
      log(`record ${id} finalized in #${number} (${blockHash}): the same on the full node, alice and bob`);
    });
  },

  /// Before alice is killed: the moment and the para's best block.
  async 'collator-down'(_node, networkInfo) {
    await withApis(networkInfo, ['bob'], async ({ bob }) => {
      const best = (await bob.rpc.chain.getHeader()).number.toNumber();
      remember('collatorDown', { at: Date.now(), best });
    });
  },

  /// After alice's SIGKILL and restart: bob kept producing while she was down (every block of
  /// the outage his, the longest gap measured), and alice synced back and authors blocks again.
  async failover(_node, networkInfo) {
    const { at: killedAt, best } = recall('collatorDown');
    const authors = await collatorKeys();
    await withApis(networkInfo, ['bob', 'alice'], async ({ bob, alice }) => {
      const backAt = Date.now();
      const downUntil = killedAt + downSeconds('MEDCHAIN_COLLATOR_DOWN_SECONDS') * 1000;
      // The kill follows the mark within a moment: a slot of alice's that began in between is hers.
      const slotMs = (await bob.call.auraApi.slotDuration()).toNumber();
      const tip = (await bob.rpc.chain.getHeader()).number.toNumber();
      const during = [];
      let before = null;
      for (let n = best; n <= tip; n += 1) {
        const facts = await blockFacts(bob, await bob.rpc.chain.getBlockHash(n), authors);
        if (facts.timestamp <= killedAt + slotMs) before = facts;
        else if (facts.timestamp <= downUntil) during.push(facts);
      }
      assert.ok(during.length >= 2, `only ${during.length} para blocks while alice was down ${downSeconds('MEDCHAIN_COLLATOR_DOWN_SECONDS')} s`);
      const foreign = during.filter(({ author }) => author !== 'bob');
      assert.deepEqual(foreign, [], 'blocks authored by another collator than bob while alice was down');
      const series = [...(before ? [before] : []), ...during];
      const gaps = series.slice(1).map((b, i) => b.timestamp - series[i].timestamp);
      figure(`collator failover (s, longest gap between para blocks while alice was down ${downSeconds('MEDCHAIN_COLLATOR_DOWN_SECONDS')} s)`, seconds(Math.max(...gaps)));
      log(`${during.length} blocks by bob while alice was down (#${during[0].number}..#${during[during.length - 1].number})`);
      // Alice authors again: the first block of hers after she came back.
      const rejoined = await withTimeout(
        (async () => {
          for (let n = tip; ; ) {
            const head = (await alice.rpc.chain.getHeader()).number.toNumber();
            for (; n <= head; n += 1) {
              const facts = await blockFacts(alice, await alice.rpc.chain.getBlockHash(n), authors);
              if (facts.author === 'alice' && facts.timestamp > downUntil) return facts;
            }
            await sleep(2_000);
          }
        })(),
        300_000,
        'a para block authored by alice after her restart',
      );
      const bobHead = (await bob.rpc.chain.getHeader()).number.toNumber();
      assert.ok((await alice.rpc.chain.getHeader()).number.toNumber() >= bobHead - 2, 'alice is not synced with bob');
      figure('collator rejoin (s, restarted alice answering RPC to her first block)', seconds(Math.max(0, rejoined.timestamp - backAt)));
      log(`alice authored #${rejoined.number} after her restart`);
    });
  },

  /// Before the full node is killed: its finalized block and the moment.
  async 'full-node-down'(_node, networkInfo) {
    await withApis(networkInfo, ['full-node'], async ({ 'full-node': api }) => {
      const hash = (await api.rpc.chain.getFinalizedHead()).toHex();
      const number = (await api.rpc.chain.getHeader(hash)).number.toNumber();
      remember('fullNodeDown', { at: Date.now(), finalized: { number, hash } });
    });
  },

  /// After the full node's SIGKILL and restart from its base path: it catches up with alice's
  /// finalized head, its finalized chain never went back, and the record is where it was.
  async 'catch-up'(_node, networkInfo) {
    const { at: killedAt, finalized } = recall('fullNodeDown');
    const record = recall('record');
    await withApis(networkInfo, ['alice', 'full-node'], async ({ alice, 'full-node': node }) => {
      const target = (await alice.rpc.chain.getHeader(await alice.rpc.chain.getFinalizedHead())).number.toNumber();
      const restartedAt = killedAt + downSeconds('MEDCHAIN_FULL_NODE_DOWN_SECONDS') * 1000;
      const synced = await waitForFinalized(node, target, 600_000);
      figure('full-node catch-up (s, restart after SIGKILL to the collators\' finalized head)', seconds(Date.now() - restartedAt));
      log(`the full node finalized #${synced} (alice had #${target})`);
      assert.equal((await node.rpc.chain.getBlockHash(finalized.number)).toHex(), finalized.hash, `finalized block #${finalized.number} changed across the kill`);
      assert.equal((await node.rpc.chain.getBlockHash(record.number)).toHex(), record.blockHash, 'the record\'s block changed across the kill');
      const block = await node.rpc.chain.getBlock(record.blockHash);
      assert.ok(block.block.extrinsics.some((xt) => xt.hash.toHex() === record.txHash), 'the record\'s transaction is not in its block after the restart');
      assert.deepEqual((await node.call.medicalRecordsApi.record(record.id)).toJSON(), record.value, 'the record after the restart');
    });
  },

  /// medchain's own end-to-end suites (scripts/e2e), one after the other through the full node:
  /// every pallet's calls, events and runtime APIs work on a parachain whose blocks the relay
  /// chain finalizes, and every pallet holds data for the upgrade to keep.
  async pallets(_node, networkInfo) {
    const cryptoTool = process.env.MEDCHAIN_CRYPTO;
    assert.ok(cryptoTool, 'MEDCHAIN_CRYPTO must name the medchain-crypto binary (scripts/network.sh sets it)');
    await withApis(networkInfo, ['full-node'], async ({ 'full-node': api }) => {
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
      const durations = {};
      for (const name of PALLET_SUITES) {
        const started = Date.now();
        const suite = await import(`../../scripts/e2e/${name}.mjs`);
        await suite.run(api, { keyring, cryptoTool, nodeUrl: networkInfo.nodesByName['full-node'].wsUri, warnings: [] });
        durations[name] = seconds(Date.now() - started);
        log(`suite ${name} passed through the full node in ${durations[name]} s`);
      }
      figure('end-to-end suites through the full node (s)', durations);
    });
  },

  /// The parachain's own governance upgrades its runtime (scripts/e2e/upgrade.mjs, through the
  /// full node: sudo(system.authorizeUpgrade) and system.applyAuthorizedUpgrade); the relay chain
  /// enacts it, so its validation code for para 2000 becomes the new runtime's; every storage
  /// entry and runtime API answer reads the same, new transactions succeed.
  async upgrade(_node, networkInfo) {
    assert.ok(process.env.MEDCHAIN_UPGRADE_WASM, 'MEDCHAIN_UPGRADE_WASM must name the next runtime (scripts/network.sh builds it)');
    await withApis(networkInfo, ['full-node', 'relay-alice'], async ({ 'full-node': api, 'relay-alice': relay }) => {
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519' });
      const codeBefore = (await relay.query.paras.currentCodeHash(PARA_ID)).unwrap().toHex();
      const result = await upgradeRun(api, { keyring, nodeUrl: networkInfo.nodesByName['full-node'].wsUri, enactmentTimeoutMs: 900_000 });
      const codeAfter = (await relay.query.paras.currentCodeHash(PARA_ID)).unwrap().toHex();
      assert.notEqual(codeBefore, result.codeHash, 'the relay chain already had the new code');
      assert.equal(codeAfter, result.codeHash, 'the relay chain\'s validation code for para 2000 is not the new runtime');
      figure('runtime upgrade (s, new code stored by the para to applied after the relay chain\'s go-ahead)', seconds(result.enactmentMs));
      log(`relay validation code of para 2000: ${codeBefore} -> ${codeAfter}; spec ${result.oldVersion} -> ${result.newVersion}`);
    });
  },
};

export async function check(name, node, networkInfo, args) {
  assert.ok(checks[name], `no check ${name}; there are ${Object.keys(checks).join(', ')}`);
  const started = Date.now();
  await checks[name](node, networkInfo, args);
  log(`${name} passed on ${node} in ${seconds(Date.now() - started)} s`);
}
