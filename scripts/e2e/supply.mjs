// Issue 5: a manufacturer registers a product and commissions a lot, packs it into a case and
// ships the case to a wholesaler, who accepts and ships it on to a pharmacy; the pharmacy
// unpacks it, verifies a pack through the runtime API over RPC and dispenses it (then the pack
// verifies as decommissioned); a pack of a recalled lot fails verification; a counterfeit serial
// (not in the lot's Merkle root) is reported unknown.
//
// Development accounts (genesis preset): Ferdie is a manufacturer with a GLN; Alice is sudo and
// registers the wholesaler and the pharmacy here, as an operator would.

import assert from 'node:assert/strict';
import { blake2AsHex, blake2AsU8a, mnemonicGenerate } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { UNIT, findEvent, log, submit } from './lib.mjs';

const GTIN = '00012345600012'; // GS1's example GTIN-14, check digit 2
const SSCC = '106141411234567897'; // GS1's example SSCC, check digit 7
const WHOLESALER_GLN = '0614141000012';
const PHARMACY_GLN = '0614141000029';
const EXPIRY = { year: 30, month: 6, day: 0 }; // June 2030, end of month

// The serial tree of a lot, as `medchain_primitives::supply` builds it (binary-merkle-tree
// with BLAKE2-256: pairs hashed left to right, an odd last node promoted unchanged).
const serialHash = (serial) => blake2AsU8a(u8aConcat(stringToU8a('medchain/sgtin'), stringToU8a(GTIN), stringToU8a(serial)));

function merkleLevels(leaves) {
  const levels = [leaves];
  while (levels.at(-1).length > 1) {
    const level = levels.at(-1);
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? blake2AsU8a(u8aConcat(level[i], level[i + 1])) : level[i]);
    }
    levels.push(next);
  }
  return levels;
}

function serialTree(serials) {
  const levels = merkleLevels(serials.map(serialHash));
  const proof = (index) => {
    const siblings = [];
    let position = index;
    for (const level of levels.slice(0, -1)) {
      const sibling = position ^ 1;
      if (sibling < level.length) siblings.push(u8aToHex(level[sibling]));
      position >>= 1;
    }
    return { leafIndex: index, siblings };
  };
  return { root: u8aToHex(levels.at(-1)[0]), leaf: (index) => u8aToHex(levels[0][index]), proof };
}

/// The verification as `Verified` / `Decommissioned:Supplied`, for readable assertions.
function verificationText(result) {
  return result.isDecommissioned ? `Decommissioned:${result.asDecommissioned.type}` : result.type;
}

export async function run(api, { keyring }) {
  const alice = keyring.addFromUri('//Alice');
  const ferdie = keyring.addFromUri('//Ferdie'); // manufacturer
  const wholesaler = keyring.addFromUri(mnemonicGenerate());
  const pharmacy = keyring.addFromUri(mnemonicGenerate());

  // Alice registers the trading partners and funds them.
  const partner = (who, role, gln) =>
    api.tx.participants.register(who.address, [role], blake2AsHex(`${role} licence`), gln, u8aToHex(blake2AsU8a(role)), null);
  await submit(
    api,
    api.tx.utility.batchAll([
      api.tx.sudo.sudo(partner(wholesaler, 'WholesaleDistributor', WHOLESALER_GLN)),
      api.tx.sudo.sudo(partner(pharmacy, 'Dispenser', PHARMACY_GLN)),
      api.tx.balances.transferKeepAlive(wholesaler.address, 10n * UNIT),
      api.tx.balances.transferKeepAlive(pharmacy.address, 10n * UNIT),
    ]),
    alice,
    'trading partner registration',
  );

  // 1. Ferdie registers the product and commissions two lots of 5 packs; only roots go on chain.
  const lotA = { number: 'E2E-A', serials: ['A0001', 'A0002', 'A0003', 'A0004', 'A0005'] };
  const lotB = { number: 'E2E-B', serials: ['B0001', 'B0002', 'B0003', 'B0004', 'B0005'] };
  lotA.tree = serialTree(lotA.serials);
  lotB.tree = serialTree(lotB.serials);
  const details = {
    kind: 'Drug',
    nationalCode: null,
    temperature: { minDecidegrees: 20, maxDecidegrees: 250 },
    lookupUrl: `https://id.gs1.org/01/${GTIN}`,
    unitTracked: false,
  };
  const commissioned = await submit(
    api,
    api.tx.utility.batchAll([
      api.tx.supplyChain.registerProduct(GTIN, details),
      api.tx.supplyChain.commissionLot(GTIN, lotA.number, EXPIRY, lotA.serials.length, lotA.tree.root, blake2AsHex('commissioning A')),
      api.tx.supplyChain.commissionLot(GTIN, lotB.number, EXPIRY, lotB.serials.length, lotB.tree.root, blake2AsHex('commissioning B')),
    ]),
    ferdie,
    'product registration and lot commissioning',
  );
  assert.ok(findEvent(commissioned.events, 'supplyChain', 'ProductRegistered'));
  const lotInfo = (await api.call.supplyChainApi.lot(GTIN, lotA.number)).unwrap();
  assert.equal(lotInfo.serialsRoot.toHex(), lotA.tree.root, 'the lot commits to the serial root');
  assert.equal(lotInfo.quantity.toNumber(), 5);
  const holding = (who, lot) => api.call.supplyChainApi.lotHolding(GTIN, lot, who.address).then((n) => n.toNumber());
  assert.equal(await holding(ferdie, lotA.number), 5);
  log('product registered, two lots commissioned');

  // 2. Ferdie packs lot A into a case and ships it to the wholesaler (DSCSA documents by hash).
  const documents = (n) => ({ information: blake2AsHex(`TI ${n}`), history: blake2AsHex(`TH ${n}`), statement: blake2AsHex(`TS ${n}`) });
  await submit(api, api.tx.supplyChain.pack(SSCC, [{ Quantity: { gtin: GTIN, lot: lotA.number, quantity: 5 } }], blake2AsHex('packing')), ferdie, 'packing');
  assert.equal(await holding(ferdie, lotA.number), 0, 'the packs are in the case');
  const ship = async (from, to, n) => {
    const proposed = await submit(
      api,
      api.tx.supplyChain.proposeTransfer(to.address, [{ Container: SSCC }], documents(n), blake2AsHex(`shipping ${n}`)),
      from,
      `transfer ${n}`,
    );
    const id = findEvent(proposed.events, 'supplyChain', 'TransferProposed').data.id.toNumber();
    const waiting = await api.call.supplyChainApi.incomingTransfers(to.address, null, 10);
    assert.deepEqual(waiting.map(([t]) => t.toNumber()), [id], 'the receiver sees the transfer');
    const accepted = await submit(api, api.tx.supplyChain.acceptTransfer(id, blake2AsHex(`receiving ${n}`)), to, `acceptance ${n}`);
    assert.ok(findEvent(accepted.events, 'supplyChain', 'TransferAccepted'));
    return id;
  };
  await ship(ferdie, wholesaler, 1);
  log('case shipped to and accepted by the wholesaler');
  await ship(wholesaler, pharmacy, 2);
  const caseHead = (await api.call.supplyChainApi.historyHead({ Container: SSCC })).unwrap();
  assert.equal(caseHead.events.toNumber(), 5, 'packed, shipped, received, shipped, received');
  await submit(api, api.tx.supplyChain.unpack(SSCC, blake2AsHex('unpacking')), pharmacy, 'unpacking');
  assert.equal(await holding(pharmacy, lotA.number), 5, 'the pharmacy holds the packs');
  log('case shipped on to the pharmacy, accepted and unpacked');

  // 3. The pharmacy scans pack 3 of lot A and verifies it over RPC: verified.
  const verify = (lot, serial, proof, expiry = EXPIRY) =>
    api.call.supplyChainApi.verifyUnit(GTIN, serial, lot, expiry, proof).then(verificationText);
  assert.equal(await verify(lotA.number, 'A0003', lotA.tree.proof(2)), 'Verified');
  assert.equal(await verify(lotA.number, 'A0003', lotA.tree.proof(2), { year: 30, month: 7, day: 0 }), 'ExpiryMismatch');
  log('pack A0003 verified');

  // 4. It dispenses the pack: decommissioned as supplied, which verification now reports.
  const pack = { gtin: GTIN, lot: lotA.number, serial: lotA.tree.leaf(2), proof: lotA.tree.proof(2) };
  const dispensed = await submit(api, api.tx.supplyChain.decommission(pack, 'Supplied', blake2AsHex('dispensing')), pharmacy, 'dispensing');
  assert.equal(findEvent(dispensed.events, 'supplyChain', 'Decommissioned').data.reason.type, 'Supplied');
  assert.equal(await verify(lotA.number, 'A0003', lotA.tree.proof(2)), 'Decommissioned:Supplied');
  assert.equal(await holding(pharmacy, lotA.number), 4);
  await assert.rejects(
    submit(api, api.tx.supplyChain.decommission(pack, 'Supplied', blake2AsHex('again')), pharmacy, 'dispensing again'),
    /supplyChain\.AlreadyDecommissioned/,
  );
  log('pack A0003 dispensed and reported decommissioned');

  // 5. Ferdie recalls lot B: its packs fail verification.
  assert.equal(await verify(lotB.number, 'B0002', lotB.tree.proof(1)), 'Verified');
  await submit(api, api.tx.supplyChain.recallLots(GTIN, [lotB.number], blake2AsHex('recall notice')), ferdie, 'recall');
  assert.equal(await verify(lotB.number, 'B0002', lotB.tree.proof(1)), 'Recalled');
  log('lot B recalled: pack B0002 fails verification');

  // 6. A counterfeit: a serial that is not in lot A's tree, with a genuine pack's proof.
  assert.equal(await verify(lotA.number, 'FAKE0001', lotA.tree.proof(0)), 'UnknownSerial');
  assert.equal(await verify('NO-SUCH-LOT', 'A0001', lotA.tree.proof(0)), 'LotMismatch');
  log('counterfeit serial reported unknown');
}
