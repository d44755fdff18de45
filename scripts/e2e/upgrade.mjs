// Issue 17: a runtime upgrade enacted on a running chain the way a parachain's governance does it,
// `sudo(system.authorizeUpgrade(hash))` then `system.applyAuthorizedUpgrade(code)`. Run after the
// suites that fill every pallet, on the same node. Two forms:
//
//   MEDCHAIN_UPGRADE_WASM=<wasm> node run.mjs --built <binaries.json> foundation records consent supply stats upgrade
//     the runtime of <wasm>, the same runtime one spec version on (scripts/upgrade.sh builds it);
//   node run.mjs --built <binaries.json> foundation records consent supply stats upgrade
//     the node's own code again (the form CI runs, last in run.mjs's first group), authorized with
//     `authorizeUpgradeWithoutChecks` since its spec version is not higher: the same enactment
//     path (the parachain stores the validation code, applies it blocks later, System emits
//     CodeUpdated) without a second runtime build, which does not fit in a cold CI run.
//
// Before and after: every storage entry of medchain's pallets, byte for byte, and decoded through
// the metadata of the runtime that reads it; every participant, record, consent, product and lot
// through the runtime APIs. After: the spec version is the expected one, the pallets' storage
// versions are unchanged, and new transactions succeed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { blake2AsHex, mnemonicGenerate, xxhashAsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { UNIT, findEvent, log, submit, withTimeout } from './lib.mjs';

const PALLETS = ['participants', 'medicalRecords', 'consent', 'supplyChain', 'encryptedStats'];
const PAGE = 1000;
// The well-known key of the chain's runtime code.
const CODE_KEY = '0x3a636f6465';

/// The storage key of plain storage item `item` of `pallet`.
const storageKey = (pallet, item) => xxhashAsHex(pallet, 128) + xxhashAsHex(item, 128).slice(2);
// How long the enactment may take on a dev node: the new code is stored in one block, applied a
// block later. On a relay chain it waits for the relay's upgrade delay (the caller's timeout).
const ENACTMENT_TIMEOUT_MS = 120_000;

/// Every key and value under the pallets' prefixes at block `at`, from the node's RPC.
async function rawState(rpc, api, at) {
  const state = {};
  for (const section of PALLETS) {
    const prefix = palletPrefix(api, section);
    let start = null;
    for (;;) {
      const keys = await rpc('state_getKeysPaged', [prefix, PAGE, start, at]);
      if (keys.length === 0) break;
      const [changes] = await rpc('state_queryStorageAt', [keys, at]);
      for (const [key, value] of changes.changes) state[key] = value;
      if (keys.length < PAGE) break;
      start = keys[keys.length - 1];
    }
  }
  return state;
}

function lowerFirst(text) {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/// The storage prefix of the pallet whose `api.query` section is `section`.
function palletPrefix(api, section) {
  const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => lowerFirst(p.name.toString()) === section);
  return xxhashAsHex(pallet.name.toString(), 128);
}

/// Every map and value of the pallets decoded at block `at` (with the metadata of the runtime of
/// that block), and what the runtime APIs answer for each participant, record, consent, product
/// and lot found there.
async function decodedState(api, at) {
  const view = await api.at(at);
  const decoded = {};
  for (const section of PALLETS) {
    for (const [item, query] of Object.entries(view.query[section])) {
      // @polkadot/api's own `palletVersion` entry is compared raw (storage versions, below).
      if (item === 'palletVersion') continue;
      const type = query.creator.meta.type;
      decoded[`${section}.${item}`] = type.isPlain
        ? (await query()).toJSON()
        : Object.fromEntries((await query.entries()).map(([key, value]) => [key.toHex(), value.toJSON()]));
    }
  }
  // Each entity by its storage map's keys, then through its runtime API.
  const reads = [
    ['participant', view.query.participants.participants, view.call.participantsApi.participant],
    ['record', view.query.medicalRecords.records, view.call.medicalRecordsApi.record],
    ['consent', view.query.consent.consents, view.call.consentApi.consent],
    ['product', view.query.supplyChain.products, view.call.supplyChainApi.product],
    ['lot', view.query.supplyChain.lots, view.call.supplyChainApi.lot],
  ];
  const apis = {};
  for (const [what, map, read] of reads) {
    for (const key of await map.keys()) {
      apis[`${what} ${key.args.join(' ')}`] = (await read(...key.args)).toJSON();
    }
  }
  return { decoded, apis };
}

/// Resolves with `{ applied, firstNew }`: the first finalized block after `after` in which the
/// parachain applied the validation code it had stored (`ParachainSystem.PendingValidationCode`
/// is empty again), and the finalized block after it, the first one the new code executed (its
/// `on_runtime_upgrade` included). Read raw by block number, so that the runtime change cannot
/// confuse a client's decoding.
function finalizedEnactment(api, rpc, after, timeoutMs) {
  const pendingCode = storageKey('ParachainSystem', 'PendingValidationCode');
  return withTimeout(
    new Promise((resolve, reject) => {
      let unsubscribe;
      let next = null;
      let applied = null;
      let busy = false;
      api.rpc.chain
        .subscribeFinalizedHeads(async (header) => {
          if (busy) return;
          busy = true;
          try {
            if (next === null) next = Number((await rpc('chain_getHeader', [after])).number) + 1;
            for (; next <= header.number.toNumber(); next += 1) {
              const hash = await rpc('chain_getBlockHash', [next]);
              if (applied !== null) {
                unsubscribe?.();
                resolve({ applied, firstNew: hash });
                return;
              }
              if ((await rpc('state_getStorage', [pendingCode, hash])) === null) applied = hash;
            }
          } catch (error) {
            reject(error);
          } finally {
            busy = false;
          }
        })
        .then((u) => (unsubscribe = u), reject);
    }),
    timeoutMs,
    'a finalized block in which the parachain applied its new validation code',
  );
}

/// The events of block `at`, decoded with the types of `api` (the same for both runtimes).
async function eventNames(api, rpc, at) {
  const raw = await rpc('state_getStorage', [storageKey('System', 'Events'), at]);
  return api.registry.createType('Vec<FrameSystemEventRecord>', raw).map(({ event }) => `${event.section}.${event.method}`);
}

function compare(before, after, what) {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const differing = [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  assert.deepEqual(differing, [], `${what}: ${differing.length} of ${keys.size} differ after the upgrade, e.g. ${differing.slice(0, 3).join(', ')}`);
  return keys.size;
}

/// Enacts the upgrade on the chain of `api` and checks it; resolves with what it measured
/// (`{ code, codeHash, oldVersion, newVersion, storedIn, appliedIn, firstNew, enactmentMs }`).
export async function run(api, { keyring, nodeUrl, enactmentTimeoutMs = ENACTMENT_TIMEOUT_MS }) {
  const wasmPath = process.env.MEDCHAIN_UPGRADE_WASM;
  const httpUrl = nodeUrl.replace(/^ws/, 'http');
  const rpc = async (method, params) => {
    const response = await fetch(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
    });
    const answer = await response.json();
    if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
    return answer.result;
  };
  const alice = keyring.addFromUri('//Alice');
  // The node's own code (`:code`) when no next runtime is given.
  const code = wasmPath ? readFileSync(wasmPath) : Buffer.from((await rpc('state_getStorage', [CODE_KEY])).slice(2), 'hex');
  const source = wasmPath ?? 'the running code';

  const oldVersion = api.runtimeVersion.specVersion.toNumber();
  const newVersion = wasmPath ? oldVersion + 1 : oldVersion;
  // A pallet's on-chain storage version: the key every FRAME pallet keeps under its prefix.
  const versionSuffix = xxhashAsHex(':__STORAGE_VERSION__:', 128).slice(2);
  const storageVersions = async (at) =>
    Object.fromEntries(
      await Promise.all(
        PALLETS.map(async (section) => [section, await rpc('state_getStorage', [palletPrefix(api, section) + versionSuffix, at])]),
      ),
    );

  // The governance steps. The state before is read at the block that stored the new code, the
  // state after at the first block the new code executed (no transaction of ours in between).
  const codeHash = blake2AsHex(code, 256);
  const authorize = wasmPath ? api.tx.system.authorizeUpgrade(codeHash) : api.tx.system.authorizeUpgradeWithoutChecks(codeHash);
  const authorized = await submit(api, api.tx.sudo.sudo(authorize), alice, 'authorize upgrade');
  const sudid = findEvent(authorized.events, 'sudo', 'Sudid');
  assert.ok(sudid?.data[0].isOk, `sudo(system.${authorize.method.method}) failed: ${sudid?.data[0]}`);
  const upgradeAuthorized = findEvent(authorized.events, 'system', 'UpgradeAuthorized');
  assert.ok(upgradeAuthorized, 'no system.UpgradeAuthorized event');
  assert.equal(upgradeAuthorized.data.codeHash.toHex(), codeHash, 'the authorized code hash');
  log(`upgrade to ${source} (${code.length} bytes, ${codeHash}) authorized, spec version ${oldVersion} -> ${newVersion}`);

  const applied = await submit(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), alice, 'apply authorized upgrade');
  assert.ok(
    findEvent(applied.events, 'parachainSystem', 'ValidationFunctionStored'),
    'no parachainSystem.ValidationFunctionStored: the parachain did not schedule its new validation code',
  );
  const lastOld = applied.blockHash.toHex();
  const before = { raw: await rawState(rpc, api, lastOld), ...(await decodedState(api, lastOld)), versions: await storageVersions(lastOld) };
  log(`new code stored in block ${lastOld}; ${Object.keys(before.raw).length} storage entries of medchain's pallets recorded`);

  const storedAt = Date.now();
  const { applied: appliedIn, firstNew } = await finalizedEnactment(api, rpc, lastOld, enactmentTimeoutMs);
  const enactmentMs = Date.now() - storedAt;
  const events = await eventNames(api, rpc, appliedIn);
  for (const name of ['parachainSystem.ValidationFunctionApplied', 'system.CodeUpdated']) {
    assert.ok(events.includes(name), `no ${name} in the block that applied the code: ${events.join(', ')}`);
  }
  const enactedVersion = (await api.rpc.state.getRuntimeVersion(firstNew)).specVersion.toNumber();
  assert.equal(enactedVersion, newVersion, 'the spec version of the enacted code');
  assert.equal(await rpc('state_getStorage', [CODE_KEY, firstNew]), u8aToHex(code), 'the code in force is the authorized one');
  log(`code applied in finalized block ${appliedIn}, ${(enactmentMs / 1000).toFixed(1)} s after it was stored; spec version ${enactedVersion} executed finalized block ${firstNew}`);

  // The first finalized block of the new runtime, read through it by a client that connects now
  // and knows only the new metadata (the connected one, which saw the upgrade, sends below).
  const fresh = await withTimeout(ApiPromise.create({ provider: new WsProvider(nodeUrl), throwOnConnect: true }), 60_000, 'a new API');
  try {
    await afterUpgrade({ api, fresh, keyring, rpc, before, firstNew, newVersion, storageVersions });
  } finally {
    await fresh.disconnect();
  }
  return { code, codeHash, oldVersion, newVersion, storedIn: lastOld, appliedIn, firstNew, enactmentMs };
}

async function afterUpgrade({ api, fresh, keyring, rpc, before, firstNew, newVersion, storageVersions }) {
  const afterState = { ...(await decodedState(fresh, firstNew)), versions: await storageVersions(firstNew) };
  const rawCount = compare(before.raw, await rawState(rpc, fresh, firstNew), 'raw storage of the pallets');
  const decodedCount = compare(before.decoded, afterState.decoded, 'storage decoded through the metadata');
  const apiCount = compare(before.apis, afterState.apis, 'runtime API answers');
  assert.deepEqual(afterState.versions, before.versions, 'storage versions');
  // Executive's on_runtime_upgrade ran in the first block of the new code (a new spec version only).
  const lastUpgrade = (await (await fresh.at(firstNew)).query.system.lastRuntimeUpgrade()).unwrap();
  assert.equal(lastUpgrade.specVersion.toNumber(), newVersion, 'System.LastRuntimeUpgrade');
  log(`after the upgrade: ${rawCount} storage entries, ${decodedCount} storage items and ${apiCount} runtime API answers as before; storage versions ${JSON.stringify(afterState.versions)}`);

  // New transactions under the new runtime, from the client connected before it (as wallets
  // stay connected through an upgrade), read back by the new one.
  const alice = keyring.addFromUri('//Alice');
  const patient = keyring.addFromUri(mnemonicGenerate());
  await submit(api, api.tx.balances.transferKeepAlive(patient.address, 10n * UNIT), alice, 'transfer after the upgrade');
  const created = await submit(
    api,
    api.tx.medicalRecords.registerRecord(patient.address, 'Summary', 'Normal', blake2AsHex('after the upgrade'), 'vault://after', alice.address),
    patient,
    'record registration after the upgrade',
  );
  const event = findEvent(created.events, 'medicalRecords', 'RecordRegistered');
  assert.ok(event, 'no medicalRecords.RecordRegistered after the upgrade');
  const record = (await fresh.call.medicalRecordsApi.record(event.data.id)).unwrap();
  assert.equal(record.subject.toString(), patient.address);
  log(`new transactions succeed: a transfer and record ${event.data.id}`);
}
