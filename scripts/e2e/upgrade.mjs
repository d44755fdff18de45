// Issue 17: a runtime upgrade enacted on a running chain the way a parachain's governance does it,
// `sudo(system.authorizeUpgrade(hash))` then `system.applyAuthorizedUpgrade(code)`, with the
// runtime of MEDCHAIN_UPGRADE_WASM (the same runtime one spec version on: scripts/upgrade.sh
// builds it). Run after the suites that fill every pallet, on the same node:
//
//   MEDCHAIN_UPGRADE_WASM=<wasm> node run.mjs --built <binaries.json> foundation records consent supply stats upgrade
//
// Before and after: every storage entry of medchain's pallets, byte for byte, and decoded through
// the metadata of the runtime that reads it; every participant, record, consent, product and lot
// through the runtime APIs. After: the spec version is the new one, the pallets' storage versions
// are unchanged, and new transactions succeed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { blake2AsHex, mnemonicGenerate, xxhashAsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { UNIT, findEvent, log, submit, withTimeout } from './lib.mjs';

const PALLETS = ['participants', 'medicalRecords', 'consent', 'supplyChain', 'encryptedStats'];
const PAGE = 1000;
// How long the enactment may take: the new code is stored in one block, applied a block later.
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

/// Resolves with the first finalized block whose runtime has `specVersion`.
function finalizedWithSpec(api, specVersion) {
  return withTimeout(
    new Promise((resolve, reject) => {
      let unsubscribe;
      api.rpc.chain
        .subscribeFinalizedHeads(async (header) => {
          try {
            const hash = header.hash.toHex();
            const version = await api.rpc.state.getRuntimeVersion(hash);
            if (version.specVersion.toNumber() === specVersion) {
              unsubscribe?.();
              resolve(hash);
            }
          } catch (error) {
            reject(error);
          }
        })
        .then((u) => (unsubscribe = u), reject);
    }),
    ENACTMENT_TIMEOUT_MS,
    `a finalized block of spec version ${specVersion}`,
  );
}

function compare(before, after, what) {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const differing = [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  assert.deepEqual(differing, [], `${what}: ${differing.length} of ${keys.size} differ after the upgrade, e.g. ${differing.slice(0, 3).join(', ')}`);
  return keys.size;
}

export async function run(api, { keyring, nodeUrl }) {
  const wasmPath = process.env.MEDCHAIN_UPGRADE_WASM;
  assert.ok(wasmPath, 'MEDCHAIN_UPGRADE_WASM must name the runtime to upgrade to (scripts/upgrade.sh builds it)');
  const code = readFileSync(wasmPath);
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

  const oldVersion = api.runtimeVersion.specVersion.toNumber();
  // A pallet's on-chain storage version: the key every FRAME pallet keeps under its prefix.
  const versionSuffix = xxhashAsHex(':__STORAGE_VERSION__:', 128).slice(2);
  const storageVersions = async (at) =>
    Object.fromEntries(
      await Promise.all(
        PALLETS.map(async (section) => [section, await rpc('state_getStorage', [palletPrefix(api, section) + versionSuffix, at])]),
      ),
    );

  // The governance steps. The state to compare is the last finalized block of the old runtime,
  // read once the new one is in force (no transaction of ours in between).
  const codeHash = blake2AsHex(code, 256);
  const authorized = await submit(api, api.tx.sudo.sudo(api.tx.system.authorizeUpgrade(codeHash)), alice, 'authorize upgrade');
  const sudid = findEvent(authorized.events, 'sudo', 'Sudid');
  assert.ok(sudid?.data[0].isOk, `sudo(system.authorizeUpgrade) failed: ${sudid?.data[0]}`);
  assert.ok(findEvent(authorized.events, 'system', 'UpgradeAuthorized'), 'no system.UpgradeAuthorized event');
  log(`upgrade to ${wasmPath} (${code.length} bytes, ${codeHash}) authorized`);

  const applied = await submit(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), alice, 'apply authorized upgrade');
  assert.ok(
    findEvent(applied.events, 'parachainSystem', 'ValidationFunctionStored'),
    'no parachainSystem.ValidationFunctionStored: the parachain did not schedule its new validation code',
  );
  const lastOld = applied.blockHash.toHex();
  const before = { raw: await rawState(rpc, api, lastOld), ...(await decodedState(api, lastOld)), versions: await storageVersions(lastOld) };
  log(`new code stored in block ${lastOld}; ${Object.keys(before.raw).length} storage entries of medchain's pallets recorded`);

  const firstNew = await finalizedWithSpec(api, oldVersion + 1);
  log(`spec version ${oldVersion} -> ${oldVersion + 1} in force at finalized block ${firstNew}`);

  // The first finalized block of the new runtime, read through it by a client that connects now
  // and knows only the new metadata (the connected one, which saw the upgrade, sends below).
  const fresh = await withTimeout(ApiPromise.create({ provider: new WsProvider(nodeUrl), throwOnConnect: true }), 60_000, 'a new API');
  try {
    await afterUpgrade({ api, fresh, keyring, rpc, before, firstNew, oldVersion, storageVersions });
  } finally {
    await fresh.disconnect();
  }
}

async function afterUpgrade({ api, fresh, keyring, rpc, before, firstNew, oldVersion, storageVersions }) {
  const afterState = { ...(await decodedState(fresh, firstNew)), versions: await storageVersions(firstNew) };
  const rawCount = compare(before.raw, await rawState(rpc, fresh, firstNew), 'raw storage of the pallets');
  const decodedCount = compare(before.decoded, afterState.decoded, 'storage decoded through the metadata');
  const apiCount = compare(before.apis, afterState.apis, 'runtime API answers');
  assert.deepEqual(afterState.versions, before.versions, 'storage versions');
  const lastUpgrade = (await fresh.query.system.lastRuntimeUpgrade()).unwrap();
  assert.equal(lastUpgrade.specVersion.toNumber(), oldVersion + 1, 'System.LastRuntimeUpgrade');
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
