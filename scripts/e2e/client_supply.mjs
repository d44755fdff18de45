// Issue 7: the supply-chain path through the `medchain` command, end to end.
//
// A manufacturer, a wholesaler and a pharmacy are identities made with `medchain keys new` in a
// temporary keystore; sudo funds them and registers them as trading partners (Manufacturer,
// WholesaleDistributor, Dispenser, each with a GLN). Everything else goes through the CLI with
// `--json`, and each outcome is checked on the CLI's answer and on the chain (runtime API
// `SupplyChainApi`):
//
// - the manufacturer registers a product (a GTIN with a wrong check digit is refused before
//   anything is submitted) and commissions a lot of 50 packs from a serials file (the chain has
//   the file's Merkle root and count) and a second lot;
// - it ships 20 packs of the lot to the wholesaler; the pharmacy, not the receiver, cannot accept
//   the transfer; the wholesaler accepts it and ships 10 packs on to the pharmacy, which accepts;
// - the pharmacy verifies a pack from its DataMatrix, human-readable and raw (GS separators, a
//   scanner's `]d2` prefix): verified, exit 0; a serial not in the lot (UnknownSerial) and a
//   wrong expiry (ExpiryMismatch) exit 6;
// - it dispenses the pack: the pack then verifies as decommissioned (Supplied), exit 6, and a
//   second dispensing is refused;
// - the manufacturer recalls the lot (another pack verifies as Recalled) while the pharmacy flags
//   the second lot as suspect (its packs verify as Quarantined).
//
// Runs `medchain` from the build that run.mjs is given (scripts/build.sh).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake2AsHex } from '@polkadot/util-crypto';
import { UNIT, log, submit } from './lib.mjs';

const PASSPHRASE = 'e2e passphrase, not secret';
const GS = '\u001d'; // the GS1 group separator (FNC1 inside an element string)

/// The GS1 check digit (GTIN, GLN, SSCC) of `digits`, the number without its last digit.
function checkDigit(digits) {
  let sum = 0;
  [...digits].reverse().forEach((d, i) => (sum += Number(d) * (i % 2 === 0 ? 3 : 1)));
  return String((10 - (sum % 10)) % 10);
}
const withCheckDigit = (digits) => digits + checkDigit(digits);

// Not the `supply` suite's product (GTIN 00012345600012), which may be on the same chain.
const GTIN13 = withCheckDigit('400638133393'); // 4006381333931, a GTIN-13
const GTIN = GTIN13.padStart(14, '0'); // as the chain keeps it
const BAD_GTIN = GTIN13.slice(0, -1) + String((Number(GTIN13.at(-1)) + 1) % 10);
const GLN = {
  manufacturer: withCheckDigit('406138100000'),
  wholesaler: withCheckDigit('406138100001'),
  pharmacy: withCheckDigit('406138100002'),
};
const EXPIRY = '300600'; // June 2030, the month's last day
const LOT_A = 'CLI-A';
const LOT_B = 'CLI-B';

/// The human-readable element string of a pack, as printed under its DataMatrix.
const hri = (serial, { lot = LOT_A, expiry = EXPIRY } = {}) => `(01)${GTIN}(17)${expiry}(10)${lot}(21)${serial}`;
/// The raw element string, as a scanner reads it: fixed-length fields run together, the lot
/// ended by GS.
const raw = (serial, { lot = LOT_A, expiry = EXPIRY } = {}) => `01${GTIN}17${expiry}10${lot}${GS}21${serial}`;

export async function run(api, { keyring, medchain, nodeUrl }) {
  assert.ok(medchain, 'the medchain binary is needed (run.mjs --built)');
  const alice = keyring.addFromUri('//Alice');
  const dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-client-supply-'));
  const keystore = join(dir, 'keystore.json');
  const file = (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  /// Runs `medchain --json …` as `identity` (none: no --identity); resolves with the parsed JSON
  /// line (undefined if none), the exit code and stderr. A non-zero
  /// exit rejects unless `expect` is given, which the exit code must then equal.
  const cli = (identity, args, { expect } = {}) =>
    new Promise((resolve, reject) => {
      const argv = ['--json', '--node', nodeUrl, '--keystore', keystore];
      if (identity) argv.push('--identity', identity);
      argv.push(...args);
      const what = `medchain ${args.join(' ')}${identity ? ` (as ${identity})` : ''}`;
      const child = spawn(medchain, argv, {
        env: { ...process.env, MEDCHAIN_PASSPHRASE: PASSPHRASE },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let [stdout, stderr] = ['', ''];
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        if (status === null) return reject(new Error(`${what} was killed (${signal}): ${stdout}${stderr}`));
        const line = stdout.trim().split('\n').filter(Boolean).at(-1);
        let out;
        try {
          out = line === undefined ? undefined : JSON.parse(line);
        } catch {
          return reject(new Error(`${what}: not JSON: ${stdout}${stderr}`));
        }
        if (expect === undefined && status !== 0) return reject(new Error(`${what} exited ${status}: ${stdout}${stderr}`));
        if (expect !== undefined && status !== expect) {
          return reject(new Error(`${what} exited ${status}, expected ${expect}: ${stdout}${stderr}`));
        }
        resolve({ out, status, stderr });
      });
    });

  const holding = async (who, lot) => (await api.call.supplyChainApi.lotHolding(GTIN, lot, who.account)).toNumber();
  const lotOnChain = async (lot) => (await api.call.supplyChainApi.lot(GTIN, lot)).unwrap();

  try {
    // Identities, then sudo funds them and registers them as trading partners, in one batch.
    const ids = {};
    for (const name of ['manufacturer', 'wholesaler', 'pharmacy']) {
      const { out } = await cli(null, ['keys', 'new', name]);
      assert.equal(out.ok, true);
      assert.equal(out.name, name);
      ids[name] = out;
    }
    const { manufacturer, wholesaler, pharmacy } = ids;
    const roles = { manufacturer: 'Manufacturer', wholesaler: 'WholesaleDistributor', pharmacy: 'Dispenser' };
    await submit(
      api,
      api.tx.utility.batchAll(
        Object.entries(roles).flatMap(([name, role]) => [
          api.tx.balances.transferKeepAlive(ids[name].account, 100n * UNIT),
          api.tx.sudo.sudo(
            api.tx.participants.register(ids[name].account, [role], blake2AsHex(`${role} licence`), GLN[name], ids[name].x25519, null),
          ),
        ]),
      ),
      alice,
      'trading partner registration',
    );
    for (const [name, role] of Object.entries(roles)) {
      const entry = (await api.call.participantsApi.participant(ids[name].account)).unwrap();
      assert.deepEqual(entry.roles.map((r) => r.toString()), [role]);
      assert.equal(entry.gln.unwrap().toUtf8(), GLN[name]);
    }
    log(`trading partners: manufacturer ${manufacturer.account}, wholesaler ${wholesaler.account}, pharmacy ${pharmacy.account}`);

    // 1. The manufacturer registers the product; a wrong check digit never reaches the chain.
    const bad = await cli('manufacturer', ['supply', 'product', 'register', '--gtin', BAD_GTIN, '--kind', 'Drug'], { expect: 2 });
    // A usage error is one JSON object too with --json, of kind "usage".
    assert.equal(bad.out.error.kind, 'usage');
    assert.match(bad.out.error.message, /check digit/, `the refusal names the check digit: ${JSON.stringify(bad.out)}`);
    assert.ok((await api.call.supplyChainApi.product(BAD_GTIN.padStart(14, '0'))).isNone, 'no product with the bad GTIN');
    const { out: product } = await cli('manufacturer', [
      'supply', 'product', 'register', '--gtin', GTIN13, '--kind', 'Drug', '--temperature', '2,8',
      '--lookup-url', `https://id.gs1.org/01/${GTIN}`,
    ]);
    assert.deepEqual([product.gtin, product.owner, product.kind, product.unit_tracked], [GTIN, manufacturer.account, 'Drug', false]);
    const registered = (await api.call.supplyChainApi.product(GTIN)).unwrap();
    assert.equal(registered.owner.toString(), manufacturer.account);
    assert.equal(registered.details.temperature.unwrap().maxDecidegrees.toNumber(), 80);
    log(`product ${GTIN} registered (GTIN ${BAD_GTIN} with a wrong check digit refused, exit 2)`);

    // 2. It commissions lot A from a file of 50 serials: the root and count go on chain.
    const serialsA = Array.from({ length: 50 }, (_, i) => `SN${String(i + 1).padStart(4, '0')}`);
    const lotAFile = file('lot-a.txt', `${serialsA.join('\n')}\n`);
    const commissionA = ['supply', 'lot', 'commission', '--gtin', GTIN, '--lot', LOT_A, '--expiry', EXPIRY, '--serials', lotAFile];
    const { out: dry } = await cli(null, [...commissionA, '--dry-run']);
    assert.equal(dry.submitted, false);
    const { out: lotA } = await cli('manufacturer', [...commissionA, '--document', file('commissioning-a.xml', '<epcis>A</epcis>')]);
    assert.deepEqual([lotA.quantity, lotA.serials_root, lotA.confirmed_on_chain], [50, dry.serials_root, true]);
    const chainLotA = await lotOnChain(LOT_A);
    assert.equal(chainLotA.serialsRoot.toHex(), lotA.serials_root, 'the chain has the serials file root');
    assert.equal(chainLotA.quantity.toNumber(), 50);
    assert.equal(chainLotA.manufacturer.toString(), manufacturer.account);
    assert.deepEqual(chainLotA.expiry.toJSON(), { year: 30, month: 6, day: 0 }, 'expiry 300600 on chain');
    assert.equal(await holding(manufacturer, LOT_A), 50);
    log(`lot ${LOT_A} commissioned: 50 serials, root ${lotA.serials_root}`);

    // 3. It ships 20 packs to the wholesaler, with the three DSCSA documents by hash.
    const documents = ['ti', 'th', 'ts'].map((name) => file(`${name}.txt`, `transaction ${name}`)).join(',');
    const { out: shipped } = await cli('manufacturer', [
      'supply', 'ship', '--to', wholesaler.account, '--items', `lot:${GTIN}:${LOT_A}:20`, '--documents', documents,
    ]);
    const transfer = shipped.transfer_id;
    assert.equal(typeof transfer, 'number', `ship gave no transfer id: ${JSON.stringify(shipped)}`);
    const incoming = await api.call.supplyChainApi.incomingTransfers(wholesaler.account, null, 10);
    assert.deepEqual(incoming.map(([id]) => id.toNumber()), [transfer], 'the wholesaler sees the transfer');
    assert.equal(incoming[0][1].from.toString(), manufacturer.account);
    assert.equal(await holding(manufacturer, LOT_A), 30, 'the 20 packs are in transit');
    log(`transfer ${transfer} of 20 packs proposed to the wholesaler`);

    // 4. The pharmacy (a trading partner, not the receiver) cannot accept it, while the
    // manufacturer commissions lot B; then the wholesaler accepts.
    const serialsB = Array.from({ length: 10 }, (_, i) => `B${String(i + 1).padStart(4, '0')}`);
    const lotBFile = file('lot-b.txt', `${serialsB.join('\n')}\n`);
    const [wrong, { out: lotB }] = await Promise.all([
      cli('pharmacy', ['supply', 'accept', String(transfer)], { expect: 5 }),
      cli('manufacturer', ['supply', 'lot', 'commission', '--gtin', GTIN, '--lot', LOT_B, '--expiry', EXPIRY, '--serials', lotBFile]),
    ]);
    assert.equal(wrong.out.error.kind, 'chain');
    assert.match(wrong.out.error.message, /NotReceiver/, JSON.stringify(wrong.out));
    assert.equal(lotB.confirmed_on_chain, true);
    assert.equal(await holding(pharmacy, LOT_A), 0);
    const { out: accepted } = await cli('wholesaler', ['supply', 'accept', String(transfer), '--document', file('receiving-1.xml', 'received')]);
    assert.equal(accepted.transfer_id, transfer);
    assert.equal(await holding(wholesaler, LOT_A), 20);
    assert.equal((await api.call.supplyChainApi.incomingTransfers(wholesaler.account, null, 10)).length, 0);
    log(`the pharmacy may not accept transfer ${transfer} (NotReceiver, exit 5); the wholesaler accepted it; lot ${LOT_B} commissioned`);

    // 5. The wholesaler ships 10 packs on to the pharmacy, which accepts.
    const { out: onward } = await cli('wholesaler', [
      'supply', 'ship', '--to', pharmacy.account, '--items', `lot:${GTIN}:${LOT_A}:10`, '--documents', documents,
    ]);
    assert.equal(typeof onward.transfer_id, 'number');
    assert.notEqual(onward.transfer_id, transfer);
    await cli('pharmacy', ['supply', 'accept', String(onward.transfer_id)]);
    assert.deepEqual(
      [await holding(manufacturer, LOT_A), await holding(wholesaler, LOT_A), await holding(pharmacy, LOT_A)],
      [30, 10, 10],
      'loose packs of lot A: manufacturer, wholesaler, pharmacy',
    );
    log(`transfer ${onward.transfer_id} of 10 packs shipped on to the pharmacy and accepted`);

    // 6. The pharmacy scans pack SN0007 (verification needs no identity): verified in both
    // forms of the DataMatrix; a serial not in the lot and a wrong expiry are not.
    const verify = (code, serials = lotAFile, expect = 0) => cli(null, ['supply', 'verify', code, '--serials', serials], { expect });
    const checks = await Promise.all([
      verify(hri('SN0007')),
      verify(raw('SN0007')),
      verify(`]d2${GS}${raw('SN0007')}`),
      verify(raw('SN0007').replace(GS, '<GS>')),
      verify(hri('FAKE0001'), lotAFile, 6),
      verify(hri('SN0007', { expiry: '300700' }), lotAFile, 6),
    ]);
    for (const { out } of checks.slice(0, 4)) {
      assert.deepEqual([out.verified, out.verification, out.serial_in_file], [true, 'Verified', true], JSON.stringify(out));
      assert.deepEqual([out.gtin, out.lot, out.serial, out.expiry], [GTIN, LOT_A, 'SN0007', EXPIRY]);
    }
    const [fake, expiry] = [checks[4].out, checks[5].out];
    assert.deepEqual([fake.verified, fake.verification, fake.serial_in_file], [false, 'UnknownSerial', false], JSON.stringify(fake));
    assert.deepEqual([expiry.verified, expiry.verification], [false, 'ExpiryMismatch'], JSON.stringify(expiry));
    log('pack SN0007 verified (human-readable, raw, ]d2 and <GS> forms: exit 0); FAKE0001 UnknownSerial and a wrong expiry ExpiryMismatch (exit 6)');

    // 7. It dispenses SN0007: decommissioned as Supplied, which verification now reports; a
    // second dispensing is refused.
    const { out: dispensed } = await cli('pharmacy', [
      'supply', 'dispense', '--datamatrix', hri('SN0007'), '--serials', lotAFile, '--document', file('dispensing.xml', 'dispensed'),
    ]);
    assert.deepEqual([dispensed.dispensed, dispensed.verification_after], [true, 'Decommissioned'], JSON.stringify(dispensed));
    assert.equal(await holding(pharmacy, LOT_A), 9);
    const unit = (await api.query.supplyChain.units(GTIN, dispensed.serial_hash)).unwrap();
    assert.equal(unit.decommissioned.unwrap().reason.type, 'Supplied');
    assert.equal(unit.decommissioned.unwrap().by.toString(), pharmacy.account);
    const { out: after } = await verify(raw('SN0007'), lotAFile, 6);
    assert.deepEqual([after.verified, after.verification, after.decommission_reason], [false, 'Decommissioned', 'Supplied'], JSON.stringify(after));
    const { out: again } = await cli(
      'pharmacy',
      ['supply', 'dispense', '--gtin', GTIN, '--serial', 'SN0007', '--lot', LOT_A, '--expiry', EXPIRY, '--serials', lotAFile],
      { expect: 6 },
    );
    assert.deepEqual([again.dispensed, again.verification], [false, 'Decommissioned'], JSON.stringify(again));
    assert.equal(await holding(pharmacy, LOT_A), 9, 'the second dispensing took nothing');
    log('pack SN0007 dispensed: it verifies as decommissioned (Supplied, exit 6); dispensing it again is refused (exit 6)');

    // 8. The manufacturer recalls lot A while the pharmacy flags lot B as suspect.
    const { out: b1 } = await verify(hri('B0003', { lot: LOT_B }), lotBFile);
    assert.equal(b1.verification, 'Verified');
    const [{ out: recalled }, { out: flagged }] = await Promise.all([
      cli('manufacturer', ['supply', 'recall', '--gtin', GTIN, '--lots', LOT_A, '--document', file('recall.txt', 'recall notice')]),
      cli('pharmacy', ['supply', 'flag-suspect', '--lot', `${GTIN}:${LOT_B}`, '--document', file('suspect.txt', 'suspect report')]),
    ]);
    assert.deepEqual([recalled.gtin, recalled.lots], [GTIN, [LOT_A]]);
    assert.equal(flagged.items, 1);
    assert.ok((await lotOnChain(LOT_A)).recall.isSome, 'lot A is recalled on chain');
    const caseId = (await lotOnChain(LOT_B)).suspectCase.unwrap();
    const suspectCase = (await api.call.supplyChainApi.suspectCase(caseId)).unwrap();
    assert.equal(suspectCase.status.type, 'Quarantined');
    const [{ out: recalledPack }, { out: dispensedPack }, { out: quarantined }] = await Promise.all([
      verify(hri('SN0042'), lotAFile, 6),
      verify(hri('SN0007'), lotAFile, 6),
      verify(raw('B0003', { lot: LOT_B }), lotBFile, 6),
    ]);
    assert.deepEqual([recalledPack.verified, recalledPack.verification], [false, 'Recalled'], JSON.stringify(recalledPack));
    assert.equal(dispensedPack.verification, 'Recalled', 'a recall is reported before the decommissioning');
    assert.deepEqual([quarantined.verified, quarantined.verification], [false, 'Quarantined'], JSON.stringify(quarantined));
    log(`lot ${LOT_A} recalled: SN0042 verifies as Recalled; lot ${LOT_B} flagged (case ${caseId}): B0003 verifies as Quarantined (exit 6)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
