// Issue 3: governance registers a provider, a patient anchors an encrypted record, reads it back
// through the runtime API, amends it, and has it erased by its custodian (crypto-shredding).

import assert from 'node:assert/strict';
import { blake2AsHex, mnemonicGenerate, randomAsU8a } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { UNIT, findEvent, log, submit } from './lib.mjs';

export async function run(api, { keyring }) {
  const alice = keyring.addFromUri('//Alice'); // sudo on the development chain
  const patient = keyring.addFromUri(mnemonicGenerate());
  const vault = keyring.addFromUri(mnemonicGenerate());
  const provider = keyring.addFromUri(mnemonicGenerate());

  // Fund the new accounts (any account can be a patient: no registration).
  await submit(
    api,
    api.tx.utility.batchAll([patient, vault, provider].map((who) => api.tx.balances.transferKeepAlive(who.address, 10n * UNIT))),
    alice,
    'funding',
  );

  // Governance registers a practitioner: a credential hash and an X25519 key, no names.
  const register = api.tx.participants.register(
    provider.address,
    ['Practitioner'],
    blake2AsHex('licence document'),
    null,
    u8aToHex(randomAsU8a(32)),
    null,
  );
  const registered = await submit(api, api.tx.sudo.sudo(register), alice, 'participant registration');
  assert.ok(findEvent(registered.events, 'participants', 'Registered'), 'no participants.Registered event');
  assert.equal((await api.call.participantsApi.hasRole(provider.address, 'Practitioner')).isTrue, true);
  const entry = (await api.call.participantsApi.participant(provider.address)).unwrap();
  assert.equal(entry.status.toString(), 'Active');
  log('provider registered and visible through ParticipantsApi');

  // The patient anchors a record: hash of the ciphertext and where the vault keeps it.
  const ciphertextHash = blake2AsHex('ciphertext of a FHIR bundle, version 1');
  const created = await submit(
    api,
    api.tx.medicalRecords.registerRecord(patient.address, 'Summary', 'Normal', ciphertextHash, 'vault://records/1', vault.address),
    patient,
    'record registration',
  );
  const recordRegistered = findEvent(created.events, 'medicalRecords', 'RecordRegistered');
  assert.ok(recordRegistered, 'no medicalRecords.RecordRegistered event');
  const id = recordRegistered.data.id.toNumber();

  // Read it back through the runtime API.
  const record = (await api.call.medicalRecordsApi.record(id)).unwrap();
  assert.equal(record.subject.toString(), patient.address);
  assert.equal(record.custodian.toString(), vault.address);
  assert.equal(record.contentHash.unwrap().toHex(), ciphertextHash);
  assert.equal(record.status.toString(), 'Current');
  const page = await api.call.medicalRecordsApi.patientRecords(patient.address, null, 10);
  assert.deepEqual(page.map(([recordId]) => recordId.toNumber()), [id]);
  const held = (await api.query.system.account(patient.address)).data.reserved.toBigInt();
  assert.equal(held, record.deposit.toBigInt(), 'the deposit is held from the patient');
  log(`record ${id} registered; deposit ${held} held`);

  // Without a consent, the provider may not write for the patient.
  await assert.rejects(
    submit(
      api,
      api.tx.medicalRecords.registerRecord(patient.address, 'Observation', 'Normal', ciphertextHash, 'vault://x', vault.address),
      provider,
      'provider write',
    ),
    /medicalRecords\.NotPermitted/,
  );

  // Amend: a new version replaces the old one.
  const amended = await submit(
    api,
    api.tx.medicalRecords.amendRecord(id, 'Restricted', blake2AsHex('ciphertext, version 2'), 'vault://records/1/v2'),
    patient,
    'amendment',
  );
  const amendEvent = findEvent(amended.events, 'medicalRecords', 'RecordAmended');
  assert.ok(amendEvent, 'no medicalRecords.RecordAmended event');
  const newId = amendEvent.data[1].toNumber(); // fields: old, new, version, author
  assert.equal((await api.call.medicalRecordsApi.record(id)).unwrap().status.toString(), 'Superseded');
  const v2 = (await api.call.medicalRecordsApi.record(newId)).unwrap();
  assert.equal(v2.version.toNumber(), 2);
  assert.equal(v2.replaces.unwrap().toNumber(), id);
  log(`record ${id} amended into ${newId}`);

  // Erasure: the patient asks, the custodian confirms after destroying key and ciphertext.
  await submit(api, api.tx.medicalRecords.requestErasure(newId), patient, 'erasure request');
  const reservedBefore = (await api.query.system.account(patient.address)).data.reserved.toBigInt();
  const erased = await submit(api, api.tx.medicalRecords.confirmErasure(newId), vault, 'erasure confirmation');
  assert.ok(findEvent(erased.events, 'medicalRecords', 'RecordErased'), 'no medicalRecords.RecordErased event');
  const tombstone = (await api.call.medicalRecordsApi.record(newId)).unwrap();
  assert.equal(tombstone.status.toString(), 'Erased');
  assert.ok(tombstone.contentHash.isNone, 'hash cleared');
  assert.equal(tombstone.locator.length, 0, 'locator cleared');
  const reservedAfter = (await api.query.system.account(patient.address)).data.reserved.toBigInt();
  assert.equal(reservedBefore - reservedAfter, v2.deposit.toBigInt(), 'deposit refunded');
  log(`record ${newId} erased; deposit ${v2.deposit} refunded`);
}
