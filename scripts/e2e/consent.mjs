// Issue 4: a provider requests access, the patient approves, `check_access` permits over RPC; the
// patient revokes and the next block denies; an emergency access is invoked, seen, expires and is
// reviewed; a data server logs an access into the patient's hash-chained access log.
//
// Development accounts (genesis preset): Bob is a practitioner, Charlie an emergency responder,
// Dave a researcher, Eve a privacy officer; Alice is sudo.

import assert from 'node:assert/strict';
import { blake2AsHex, blake2AsU8a, mnemonicGenerate } from '@polkadot/util-crypto';
import { u8aConcat } from '@polkadot/util';
import { UNIT, findEvent, log, submit, waitForFinalized } from './lib.mjs';

/// The decision as `Permit:Consent:3` / `Deny:NoMatchingConsent`, for readable assertions.
function decisionText(decision) {
  const basis = decision.value;
  const detail = basis.value.toRawType() === 'Null' ? '' : `:${basis.value.toString()}`;
  return `${decision.type}:${basis.type}${detail}`;
}

export async function run(api, { keyring }) {
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob'); // practitioner
  const charlie = keyring.addFromUri('//Charlie'); // emergency responder
  const dave = keyring.addFromUri('//Dave'); // researcher
  const eve = keyring.addFromUri('//Eve'); // privacy officer
  const patient = keyring.addFromUri(mnemonicGenerate());

  await submit(api, api.tx.balances.transferKeepAlive(patient.address, 10n * UNIT), alice, 'funding');

  // The patient anchors a record that the decisions below are about.
  const created = await submit(
    api,
    api.tx.medicalRecords.registerRecord(patient.address, 'Observation', 'Normal', blake2AsHex('ciphertext'), 'vault://r/1', bob.address),
    patient,
    'record registration',
  );
  const recordId = findEvent(created.events, 'medicalRecords', 'RecordRegistered').data.id.toNumber();
  const check = (at, accessor, purpose, action = 'Access') =>
    at.call.consentApi.checkAccess(patient.address, accessor.address, { Record: recordId }, action, purpose).then(decisionText);

  assert.equal(await check(api, bob, 'Treatment'), 'Deny:NoMatchingConsent');

  // 1. Bob asks for access; the justification stays off-chain, only its hash is sent.
  const requested = await submit(
    api,
    api.tx.consent.requestAccess(
      patient.address,
      { actions: ['Access', 'Use'], purposes: ['Treatment'], scope: 'All', ceiling: 'Restricted', valid: { start: 0, end: null } },
      blake2AsHex('referral letter'),
    ),
    bob,
    'access request',
  );
  const requestId = findEvent(requested.events, 'consent', 'AccessRequested').data.id.toNumber();
  const pending = await api.call.consentApi.patientRequests(patient.address, null, 10);
  assert.deepEqual(pending.map(([id]) => id.toNumber()), [requestId], 'the patient sees the request');
  log(`request ${requestId} pending for the patient`);

  // 2. The patient approves it, narrowed to reading only.
  const approved = await submit(
    api,
    api.tx.consent.approveRequest(requestId, {
      actions: ['Access'], purposes: ['Treatment'], scope: 'All', ceiling: 'Normal', valid: { start: 0, end: null },
    }),
    patient,
    'approval',
  );
  const approval = findEvent(approved.events, 'consent', 'RequestApproved');
  assert.ok(approval, 'no consent.RequestApproved event');
  assert.equal(approval.data.narrowed.isTrue, true);
  const consentId = approval.data.consent.toNumber();
  const consent = (await api.call.consentApi.consent(consentId)).unwrap();
  assert.equal(consent.terms.grantee.asAccount.toString(), bob.address);
  assert.equal(consent.depositor.toString(), bob.address, 'the requester pays for the consent');

  // 3. check_access over RPC, as a vault asks it: permitted by that consent, for that purpose only.
  assert.equal(await check(api, bob, 'Treatment'), `Permit:Consent:${consentId}`);
  assert.equal(await check(api, bob, 'Research'), 'Deny:NoMatchingConsent');
  assert.equal(await check(api, bob, 'Treatment', 'Disclose'), 'Deny:NoMatchingConsent');
  assert.equal(await check(api, dave, 'Treatment'), 'Deny:NoMatchingConsent');
  assert.equal(await check(api, patient, 'Treatment'), 'Permit:Patient');
  log(`consent ${consentId}: check_access permits Bob, denies others`);

  // 4. The patient revokes: the state of the block that includes the revocation already denies.
  const revoked = await submit(api, api.tx.consent.revokeConsent(consentId), patient, 'revocation');
  assert.ok(findEvent(revoked.events, 'consent', 'ConsentRevoked'), 'no consent.ConsentRevoked event');
  const revokedHeader = await api.rpc.chain.getHeader(revoked.blockHash);
  const before = await api.at(revokedHeader.parentHash);
  const after = await api.at(revoked.blockHash);
  assert.equal(await check(before, bob, 'Treatment'), `Permit:Consent:${consentId}`);
  assert.equal(await check(after, bob, 'Treatment'), 'Deny:NoMatchingConsent');
  assert.equal(await check(api, bob, 'Treatment'), 'Deny:NoMatchingConsent');
  log(`revoked in block #${revokedHeader.number}: permitted at #${revokedHeader.number.toNumber() - 1}, denied from #${revokedHeader.number} on`);

  // 5. Break-glass. Governance shortens the emergency duration (a parameter, default 4 hours) so
  //    that this test sees it expire.
  const durationBlocks = 4;
  await submit(
    api,
    api.tx.sudo.sudo(api.tx.parameters.setParameter({ Consent: { EmergencyAccessDuration: [null, durationBlocks] } })),
    alice,
    'emergency duration parameter',
  );
  const invoked = await submit(
    api,
    api.tx.consent.invokeEmergencyAccess(patient.address, 'PatientIncapacitated', blake2AsHex('ER admission note')),
    charlie,
    'emergency access',
  );
  const started = findEvent(invoked.events, 'consent', 'EmergencyAccessStarted');
  assert.ok(started, 'no consent.EmergencyAccessStarted event');
  assert.equal(started.data.patient.toString(), patient.address, 'the event names the patient');
  const emergencyId = started.data.id.toNumber();
  const expiresAt = started.data.expiresAt.toNumber();
  const startedAt = (await api.rpc.chain.getHeader(invoked.blockHash)).number.toNumber();
  assert.equal(expiresAt, startedAt + durationBlocks);
  const active = await api.call.consentApi.activeEmergencies(patient.address);
  assert.deepEqual(active.map(([id]) => id.toNumber()), [emergencyId], 'the patient sees the emergency');
  assert.equal(await check(api, charlie, 'EmergencyTreatment'), `Permit:Emergency:${emergencyId}`);
  assert.equal(await check(api, charlie, 'Treatment'), 'Deny:NoMatchingConsent', 'only for emergency treatment');
  log(`emergency ${emergencyId} started at #${startedAt}, expires at #${expiresAt}`);

  await waitForFinalized(api, expiresAt);
  assert.equal(await check(api, charlie, 'EmergencyTreatment'), 'Deny:NoMatchingConsent');
  assert.equal((await api.call.consentApi.activeEmergencies(patient.address)).length, 0);
  log(`emergency ${emergencyId} expired`);

  const reviewed = await submit(
    api,
    api.tx.consent.reviewEmergencyAccess(emergencyId, 'Justified', blake2AsHex('review report')),
    eve,
    'emergency review',
  );
  const review = findEvent(reviewed.events, 'consent', 'EmergencyAccessReviewed');
  assert.ok(review, 'no consent.EmergencyAccessReviewed event');
  assert.equal(review.data.verdict.toString(), 'Justified');
  assert.ok((await api.query.consent.emergencies(emergencyId)).isNone, 'reviewed and expired: removed');
  log(`emergency ${emergencyId} reviewed by the privacy officer`);

  // 6. Bob's data server logs the refused read into the patient's hash-chained access log.
  const entry = {
    accessor: dave.address,
    record: recordId,
    category: 'Observation',
    action: 'Access',
    purpose: 'Treatment',
    decision: { Deny: 'NoMatchingConsent' },
    eventHash: blake2AsHex('full FHIR AuditEvent'),
  };
  const logged = await submit(api, api.tx.consent.logAccess(patient.address, [entry]), bob, 'access log');
  const loggedEvent = findEvent(logged.events, 'consent', 'AccessLogged');
  const head = await api.call.consentApi.auditHead(patient.address);
  assert.equal(head.count.toNumber(), 1);
  // Recompute the link off-chain: blake2_256(SCALE(previous head, index, logger, entry)).
  const link = blake2AsU8a(
    u8aConcat(new Uint8Array(32), api.createType('u64', 0).toU8a(), bob.addressRaw, loggedEvent.data.entry.toU8a()),
    256,
  );
  assert.equal(head.head.toHex(), `0x${Buffer.from(link).toString('hex')}`, 'the chain head matches the off-chain log');
  log('access logged; the hash-chain head recomputed off-chain matches');
}
