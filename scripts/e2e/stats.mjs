// Issue 6: research on encrypted values, and a zero-knowledge statement about an attested value.
//
// Dave (a registered researcher) opens a 16-bit study whose key Eve holds (the researcher may not
// hold it). 20 patients each grant Dave research consent and contribute an encrypted value with
// its validity proof and Bulletproof, made by the `medchain-crypto` tool; the runtime verifies
// them and adds the ciphertexts. A contribution whose proofs were made for another account, and
// one with a corrupted range proof, are rejected. Publishing before the deadline is refused.
// After the deadline Eve decrypts the encrypted total off chain and publishes it with a
// Chaum-Pedersen proof; the chain checks it, and it equals the plain sum.
//
// Then Bob (a registered healthcare organisation) attests single-use commitments to birth dates
// (days since 1900-01-01); a patient proves "age >= 18" (birth date at most the cutoff) to an
// insurer without revealing it, the chain records the statement, the commitment cannot be used
// twice, and a minor's birth date yields no proof at all.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { blake2AsHex, mnemonicGenerate } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { UNIT, findEvent, log, submit, waitForFinalized } from './lib.mjs';

const PATIENTS = 20;
const BITS = 16;

/// Runs the `medchain-crypto` tool and parses its one line of JSON.
function crypto(tool, args) {
  return JSON.parse(execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

/// Whether the tool refuses (exit code 2) these arguments.
function refuses(tool, args) {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return false;
  } catch (error) {
    return error.status === 2;
  }
}

const days = (date) => Math.floor((Date.UTC(...date) - Date.UTC(1900, 0, 1)) / 86_400_000);

export async function run(api, { keyring, cryptoTool }) {
  assert.ok(cryptoTool, 'the medchain-crypto tool is needed (run.mjs --built)');
  const genesis = api.genesisHash.toHex();
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob'); // healthcare organisation
  const dave = keyring.addFromUri('//Dave'); // researcher
  const eve = keyring.addFromUri('//Eve'); // privacy officer, the study's key holder
  const patients = Array.from({ length: PATIENTS }, () => keyring.addFromUri(mnemonicGenerate()));
  const insurer = keyring.addFromUri(mnemonicGenerate());

  await submit(
    api,
    api.tx.utility.batchAll(patients.map((p) => api.tx.balances.transferKeepAlive(p.address, 2n * UNIT))),
    alice,
    'funding the patients',
  );

  // 1. Dave opens the study: Eve generated the key pair for its id off chain.
  const id = (await api.query.encryptedStats.nextStudyId()).toNumber();
  const { secret, key } = crypto(cryptoTool, ['study-key', '--genesis', genesis, '--study', `${id}`]);
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  const deadline = now + 20;
  const question = { question: blake2AsHex('LOINC 8480-6 systolic blood pressure, mmHg'), category: 'Observation', confidentiality: 'Normal', valueBits: BITS };
  const opened = await submit(
    api,
    api.tx.encryptedStats.openStudy(question, { Single: { holder: eve.address, key } }, deadline, 10, 32),
    dave,
    'opening the study',
  );
  assert.equal(findEvent(opened.events, 'encryptedStats', 'StudyOpened').data.id.toNumber(), id);
  log(`study ${id} open until block ${deadline}`);

  // 2. Each patient consents to research by Dave and contributes an encrypted value, proven.
  const consent = api.tx.consent.grantConsent({
    grantee: { Account: dave.address }, decision: 'Permit', actions: ['Use'], purposes: ['Research'],
    scope: 'All', ceiling: 'Normal', valid: { start: 0, end: null }, dataPeriod: null, documentHash: null, basisHash: null,
  });
  const values = patients.map((_, i) => (i * 7_919 + 110) % 65_536);
  values[0] = 0;
  values[1] = 65_535;
  const encrypt = (patient, value) =>
    crypto(cryptoTool, ['encrypt', '--genesis', genesis, '--study', `${id}`, '--key', key,
      '--submitter', u8aToHex(patient.publicKey), '--value', `${value}`, '--bits', `${BITS}`]);
  const contribution = (e) => api.tx.encryptedStats.contribute(id, { c: e.c, d: e.d }, e.validity, e.range);
  const proofs = patients.map((p, i) => encrypt(p, values[i]));

  // A copied contribution (proofs bound to patient 0) and a corrupted Bulletproof are refused.
  await assert.rejects(
    submit(api, api.tx.utility.batchAll([consent, contribution(proofs[0])]), patients[1], 'replayed contribution'),
    /encryptedStats\.InvalidValidityProof/,
  );
  const corrupted = { ...proofs[1], range: proofs[1].range.slice(0, -2) + (proofs[1].range.endsWith('00') ? '01' : '00') };
  await assert.rejects(
    submit(api, api.tx.utility.batchAll([consent, contribution(corrupted)]), patients[1], 'corrupted range proof'),
    /encryptedStats\.InvalidRangeProof/,
  );
  log('a replayed contribution and a corrupted range proof were rejected');

  const results = await Promise.all(
    patients.map((p, i) => submit(api, api.tx.utility.batchAll([consent, contribution(proofs[i])]), p, `contribution ${i}`)),
  );
  assert.ok(results.every(({ events }) => findEvent(events, 'encryptedStats', 'Contributed')));
  let study = (await api.query.encryptedStats.studies(id)).unwrap();
  assert.equal(study.contributions.toNumber(), PATIENTS);
  await assert.rejects(
    submit(api, contribution(proofs[0]), patients[0], 'second contribution'),
    /encryptedStats\.AlreadyContributed/,
  );
  log(`${PATIENTS} encrypted contributions verified and added`);

  // 3. Not before the deadline; after it, Eve decrypts off chain and publishes with a proof.
  const total = study.total;
  const decrypt = () =>
    crypto(cryptoTool, ['decrypt', '--genesis', genesis, '--study', `${id}`, '--secret', secret,
      '--c', total.c.toHex(), '--d', total.d.toHex(), '--submitter', u8aToHex(eve.publicKey), '--max-bits', '24']);
  const decrypted = decrypt();
  const plainSum = values.reduce((a, b) => a + b, 0);
  assert.equal(decrypted.total, plainSum, 'the decrypted total is the plain sum');
  if ((await api.rpc.chain.getHeader()).number.toNumber() < deadline - 2) {
    await assert.rejects(
      submit(api, api.tx.encryptedStats.publishTotal(id, decrypted.total, decrypted.proof), eve, 'early decryption'),
      /encryptedStats\.StudyStillOpen/,
    );
  }
  await waitForFinalized(api, deadline + 1);
  await assert.rejects(
    submit(api, api.tx.encryptedStats.publishTotal(id, decrypted.total + 1, decrypted.proof), eve, 'wrong total'),
    /encryptedStats\.InvalidDecryption/,
  );
  const published = await submit(api, api.tx.encryptedStats.publishTotal(id, decrypted.total, decrypted.proof), eve, 'publishing the total');
  const event = findEvent(published.events, 'encryptedStats', 'TotalPublished');
  assert.equal(event.data.total.toNumber(), plainSum);
  study = (await api.query.encryptedStats.studies(id)).unwrap();
  assert.equal(study.status.asDecrypted.total.toNumber(), plainSum, 'the verified total is stored');
  log(`total ${plainSum} of ${PATIENTS} values decrypted and verified on chain`);

  // 4. Bob attests commitments to birth dates (one per future statement; the call names no
  //    patient and no value), and a patient proves "age >= 18" to an insurer.
  const today = days([2026, 10, 25]);
  const cutoff = days([2008, 10, 25]); // born on or before: 18 or older
  const adult = days([1990, 4, 2]);
  const minor = days([2012, 7, 9]);
  const commitments = [adult, adult, minor].map((v) => ({ value: v, ...crypto(cryptoTool, ['commit', '--value', `${v}`]) }));
  const attribute = blake2AsHex('birth date, days since 1900-01-01');
  const attested = await submit(
    api,
    api.tx.encryptedStats.attest(attribute, commitments.map((c) => c.commitment), now + 1_000),
    bob,
    'attestation',
  );
  assert.equal(findEvent(attested.events, 'encryptedStats', 'Attested').data.count.toNumber(), 3);
  assert.ok(today > cutoff);

  const patient = patients[2];
  const submitter = u8aToHex(u8aConcat(patient.publicKey, insurer.publicKey));
  const prove = (c) =>
    ['prove', '--genesis', genesis, '--scope', '0', '--submitter', submitter, '--predicate', `at-most:${cutoff}`,
      '--value', `${c.value}`, '--blinding', c.blinding, '--bits', `${BITS}`];
  const { proof } = crypto(cryptoTool, prove(commitments[0]));
  const proveTx = (c, p) => api.tx.encryptedStats.provePredicate(insurer.address, { AtMost: cutoff }, [c.commitment], BITS, p);
  const proven = await submit(api, proveTx(commitments[0], proof), patient, 'age proof');
  const verified = findEvent(proven.events, 'encryptedStats', 'StatementVerified');
  const statementId = verified.data.id.toNumber();
  const statement = (await api.query.encryptedStats.statements(insurer.address, statementId)).unwrap();
  assert.equal(statement.prover.toString(), patient.address);
  assert.equal(statement.predicate.asAtMost.toNumber(), cutoff);
  assert.equal(statement.attested[0].attester.toString(), bob.address);
  assert.equal(statement.attested[0].attribute.toHex(), attribute);
  assert.ok(!JSON.stringify(statement.toJSON()).includes(`${adult}`), 'the birth date is not on chain');
  await assert.rejects(submit(api, proveTx(commitments[0], proof), patient, 'reused commitment'), /encryptedStats\.AttestationUsed/);
  assert.ok(refuses(cryptoTool, prove(commitments[2])), 'no proof exists for a minor');
  log(`"age >= 18" proven to the insurer as statement ${statementId}, without the birth date`);
}
