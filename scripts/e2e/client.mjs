// Issue 7: the `medchain` command and the `medchain-vault` service on a dev node, end to end.
//
// A vault runs against the node (its account registered as a provider by sudo and funded); a
// patient, a provider and a third party are identities made with `medchain keys new` in a
// temporary keystore. The patient adds a FHIR file (sealed, uploaded, registered on chain); the
// provider (registered as a practitioner with the X25519 key from `medchain keys show`) asks for
// access, the patient approves and shares the record key; the provider fetches the record and
// gets the original bytes; a third party is refused and the refusal is in the patient's access
// log on chain; after the patient revokes, the provider is refused; the patient erases the
// record: the vault no longer holds it and the chain keeps only a tombstone.
//
// Runs `medchain` and `medchain-vault` from the build that run.mjs is given (scripts/build.sh).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake2AsHex } from '@polkadot/util-crypto';
import { UNIT, freePort, log, submit, withTimeout } from './lib.mjs';

const PASSPHRASE = 'e2e passphrase, not secret';

/// An unsigned request to `vault` (over HTTPS trusting only the test CA, if it serves TLS):
/// its status and body.
function vaultRequest(vault, method, path) {
  return new Promise((resolve, reject) => {
    const target = new URL(path, vault.url);
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, { method, ca: vault.ca ?? undefined, timeout: 5000 }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.end();
  });
}

/// A test CA and a certificate it signs for 127.0.0.1 (openssl): the files' paths.
function makeCertificates(dir) {
  const file = (name) => join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=medchain e2e test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'));
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', '/CN=127.0.0.1', '-keyout', file('vault.key'), '-out', file('vault.csr'));
  writeFileSync(file('vault.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', file('vault.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('vault.ext'), '-out', file('vault.pem'));
  return { ca: file('ca.pem'), cert: file('vault.pem'), key: file('vault.key') };
}

/// Starts the vault; resolves once it answers `GET /v1/vault`, with its account.
async function startVault(binary, nodeUrl, dataDir, tls = null) {
  const port = await freePort();
  const args = ['--node', nodeUrl, '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`];
  if (tls) args.push('--tls-cert', tls.cert, '--tls-key', tls.key);
  log(`starting ${binary} ${args.join(' ')}`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  // A line may arrive in several chunks: keep each stream's unfinished tail until its newline.
  const keeper = () => {
    let partial = '';
    return (chunk) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop();
      for (const line of parts) if (line.trim()) lines.push(line);
      while (lines.length > 60) lines.shift();
    };
  };
  child.stdout.on('data', keeper());
  child.stderr.on('data', keeper());
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const vault = {
    url,
    ca: tls ? readFileSync(tls.ca) : null,
    child,
    lastLines: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
      child.kill('SIGINT');
      return withTimeout(exited, 10_000, 'vault shutdown').catch(() => {
        child.kill('SIGKILL');
        return { code: null, signal: 'SIGKILL' };
      });
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the vault exited with ${child.exitCode}:\n${vault.lastLines()}`);
    try {
      const response = await vaultRequest(vault, 'GET', '/v1/vault');
      if (response.status === 200) {
        vault.publicKey = JSON.parse(response.body).public_key;
        break;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the vault did not answer on ${url}:\n${vault.lastLines()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  // The account it logs at start is the key it publishes.
  const logged = lines.map((line) => line.match(/vault account (0x[0-9a-f]{64})/)?.[1]).find(Boolean);
  assert.equal(logged, vault.publicKey, 'the vault logs the account it publishes');
  return vault;
}

/// Runs `medchain` to its end: exit status and stdout (never throws for a non-zero exit).
function spawnSyncJson(medchain, argv) {
  try {
    const stdout = execFileSync(medchain, argv, {
      env: { ...process.env, MEDCHAIN_PASSPHRASE: PASSPHRASE },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    return { status: 0, stdout };
  } catch (error) {
    if (error.status === null || error.status === undefined) throw error;
    return { status: error.status, stdout: error.stdout };
  }
}

/// Runs `medchain --json …` without waiting: resolves to the parsed JSON line (rejects on a
/// non-zero exit). For commands of different identities that may run at the same time.
function cliAsync(medchain, baseArgs, identity, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(medchain, [...baseArgs, '--identity', identity, ...args], {
      env: { ...process.env, MEDCHAIN_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    // 'close', not 'exit': stdout is complete only once its pipe closed.
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
      else reject(new Error(`medchain ${args.join(' ')} (as ${identity}) exited ${code}: ${stdout}${stderr}`));
    });
  });
}

/// Encrypted statistics through the CLI: a key holder's study key and a study it decrypts; a
/// dealer's shares for three trustees and a study any two of them decrypt; ten patients'
/// encrypted contributions to both; the verified totals.
async function study(api, { alice, cli, dir }) {
  const PATIENTS = 10;
  const trusteeNames = ['trustee1', 'trustee2', 'trustee3'];
  const names = ['researcher', 'holder', ...trusteeNames, ...Array.from({ length: PATIENTS }, (_, i) => `participant${i}`)];
  const ids = {};
  for (const name of names) ids[name] = cli(null, ['keys', 'new', name]).out;
  for (const name of trusteeNames) ids[name].x25519 = cli(null, ['keys', 'show', name]).out.x25519;
  await submit(api, api.tx.utility.batchAll(names.map((name) => api.tx.balances.transferKeepAlive(ids[name].account, 1000n * UNIT))), alice, 'funding of the studies');
  await submit(api, api.tx.sudo.sudo(api.tx.participants.register(ids.researcher.account, ['Researcher'], blake2AsHex('credential of the researcher'), null, null, null)), alice, 'registration of the researcher');
  const protocol = join(dir, 'protocol.txt');
  writeFileSync(protocol, 'LOINC 8867-4 heart rate, beats/minute, latest value');
  const common = ['--question', protocol, '--category', 'Observation', '--bits', '16', '--min-cohort', String(PATIENTS), '--capacity', '32'];

  // A single key holder: the key derived from their mnemonic for the next study id.
  const { out: key } = cli('holder', ['study', 'key']);
  const { out: single } = cli('researcher', ['study', 'create', ...common, '--holder', ids.holder.account, '--key', key.key,
    '--study', String(key.study), '--duration', '30']);
  assert.equal(single.study, key.study);
  // Trustees: any 2 of 3, their shares sealed to their X25519 keys by a dealer.
  const dealFile = join(dir, 'deal.json');
  const { out: dealt } = cli(null, ['study', 'deal', '--threshold', '2', '--trustees', trusteeNames.map((n) => ids[n].account).join(','),
    '--x25519', trusteeNames.map((n) => ids[n].x25519).join(','), '--out', dealFile]);
  assert.equal(dealt.study, single.study + 1);
  assert.ok(!readFileSync(dealFile, 'utf8').includes('secret'), 'the deal file keeps no secret');
  const { out: shared } = cli('researcher', ['study', 'create', ...common, '--deal', dealFile, '--study', String(dealt.study), '--duration', '30']);
  assert.equal(shared.decrypted_by, '2 of 3 trustees');
  log(`study ${single.study} (key holder ${ids.holder.account}) and study ${shared.study} (2 of 3 trustees) opened`);

  // Each participant consents to research by the researcher and contributes to both.
  const values = Array.from({ length: PATIENTS }, (_, i) => 60 + 7 * i);
  const base = ['--json', ...cli.baseArgs];
  await Promise.all(values.map(async (value, i) => {
    const who = `participant${i}`;
    await cliAsync(cli.medchain, base, who, ['consent', 'grant', '--to', ids.researcher.account, '--actions', 'Use',
      '--purposes', 'Research', '--categories', 'Observation']);
    for (const studyId of [single.study, shared.study]) {
      const contributed = await cliAsync(cli.medchain, base, who, ['study', 'contribute', String(studyId), '--value', String(value + studyId)]);
      assert.equal(contributed.study, studyId);
    }
  }));
  for (const studyId of [single.study, shared.study]) {
    const { out: shown } = cli(null, ['study', 'show', String(studyId)]);
    assert.equal(shown.contributions, PATIENTS);
    assert.equal(shown.total, null, 'nothing decrypted before the deadline');
  }
  log(`${PATIENTS} encrypted contributions to each study verified on chain`);

  // A second contribution by the same participant is refused by the chain.
  const twice = cli('participant0', ['study', 'contribute', String(single.study), '--value', '1'], { expectFail: true });
  assert.equal(twice.status, 5);
  assert.ok(twice.out.error.message.includes('AlreadyContributed'), JSON.stringify(twice.out));
  // Only the key holder decrypts, and only after the deadline.
  assert.equal(cli('researcher', ['study', 'tally', String(single.study)], { expectFail: true }).status, 2);
  const deadline = Math.max(single.deadline, shared.deadline);
  for (;;) {
    const number = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    if (number > deadline) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const sum = (studyId) => values.reduce((a, v) => a + v + studyId, 0);
  const { out: tally } = cli('holder', ['study', 'tally', String(single.study)]);
  assert.equal(tally.total, sum(single.study), 'the decrypted total is the sum of the values');
  const stored = (await api.query.encryptedStats.studies(single.study)).unwrap();
  assert.equal(stored.status.asDecrypted.total.toNumber(), sum(single.study), 'the chain verified and stored the total');
  log(`study ${single.study}: the holder decrypted and published the total ${tally.total}, verified on chain`);

  // The threshold study: one share is not enough; trustees 1 and 3 are.
  cli('trustee1', ['study', 'share', String(shared.study), '--deal', dealFile]);
  const early = cli('researcher', ['study', 'tally', String(shared.study)], { expectFail: true });
  assert.ok(early.out.error.message.includes('1 of the 2'), JSON.stringify(early.out));
  const stranger = cli('holder', ['study', 'share', String(shared.study), '--deal', dealFile], { expectFail: true });
  assert.equal(stranger.status, 2, 'not a trustee');
  cli('trustee3', ['study', 'share', String(shared.study), '--deal', dealFile]);
  const { out: combined } = cli('researcher', ['study', 'tally', String(shared.study)]);
  assert.equal(combined.total, sum(shared.study));
  const storedShared = (await api.query.encryptedStats.studies(shared.study)).unwrap();
  assert.equal(storedShared.status.asDecrypted.total.toNumber(), sum(shared.study));
  log(`study ${shared.study}: trustees 1 and 3 shared, the total ${combined.total} was combined and verified on chain`);
}

export async function run(api, { keyring, medchain, vaultBinary, nodeUrl }) {
  assert.ok(medchain, 'the medchain binary is needed (run.mjs --built)');
  assert.ok(vaultBinary, 'the medchain-vault binary is needed (run.mjs --built)');
  const alice = keyring.addFromUri('//Alice');
  const dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-client-'));
  const keystore = join(dir, 'keystore.json');
  let vault;
  try {
    vault = await startVault(vaultBinary, nodeUrl, join(dir, 'vault'));
    const vaultAccount = keyring.encodeAddress(vault.publicKey);
    log(`vault ${vault.url}, account ${vaultAccount}`);

    /// Runs `medchain --json …` as `identity`; the parsed JSON line and the exit code.
    const cli = (identity, args, { expectFail = false } = {}) => {
      const argv = ['--json', '--node', nodeUrl, '--vault', vault.url, '--keystore', keystore];
      if (vault.tls) argv.push('--vault-ca', vault.tls.ca);
      if (identity) argv.push('--identity', identity);
      argv.push(...args);
      let stdout;
      let status = 0;
      try {
        stdout = execFileSync(medchain, argv, {
          env: { ...process.env, MEDCHAIN_PASSPHRASE: PASSPHRASE },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 120_000,
        });
      } catch (error) {
        if (error.status === null || error.status === undefined) throw error;
        stdout = error.stdout;
        status = error.status;
        if (!expectFail) {
          throw new Error(`medchain ${args.join(' ')} (as ${identity}) exited ${status}: ${stdout}${error.stderr}`);
        }
      }
      const line = stdout.trim().split('\n').filter(Boolean).at(-1);
      const out = JSON.parse(line);
      if (expectFail) assert.notEqual(status, 0, `medchain ${args.join(' ')} should fail: ${line}`);
      return { out, status };
    };
    cli.medchain = medchain;
    Object.defineProperty(cli, 'baseArgs', {
      get: () => ['--node', nodeUrl, '--vault', vault.url, '--keystore', keystore, ...(vault.tls ? ['--vault-ca', vault.tls.ca] : [])],
    });

    // Identities.
    const ids = {};
    for (const name of ['patient', 'provider', 'stranger', 'responder']) {
      const { out } = cli(null, ['keys', 'new', name]);
      assert.equal(out.ok, true);
      assert.equal(out.name, name);
      const { out: shown } = cli(null, ['keys', 'show', name]);
      assert.equal(shown.account, out.account);
      ids[name] = shown;
    }
    log(`identities: patient ${ids.patient.account}, provider ${ids.provider.account}, stranger ${ids.stranger.account}`);

    // Funding, and governance registers the vault and the provider.
    await submit(
      api,
      api.tx.utility.batchAll(
        [vaultAccount, ids.patient.account, ids.provider.account, ids.stranger.account, ids.responder.account].map((who) =>
          api.tx.balances.transferKeepAlive(who, 100n * UNIT),
        ),
      ),
      alice,
      'funding',
    );
    const register = (who, role, key, what) =>
      submit(api, api.tx.sudo.sudo(api.tx.participants.register(who, [role], blake2AsHex(`credential of ${what}`), null, key, null)), alice, `registration of ${what}`);
    await register(vaultAccount, 'HealthcareOrganization', vault.publicKey, 'the vault');
    await register(ids.provider.account, 'Practitioner', ids.provider.x25519, 'the provider');
    await register(ids.responder.account, 'EmergencyResponder', ids.responder.x25519, 'the emergency responder');
    const published = (await api.call.participantsApi.participant(ids.provider.account)).unwrap();
    assert.equal(published.encryptionKey.toHex(), ids.provider.x25519, 'the provider X25519 key is on chain');
    log('vault and provider registered; the provider X25519 key is published');

    // 1. The patient adds a FHIR resource.
    const fhir = JSON.stringify({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
      valueQuantity: { value: 72, unit: 'beats/minute' },
    });
    const original = join(dir, 'observation.json');
    writeFileSync(original, fhir);
    const { out: added } = cli('patient', ['records', 'add', original, '--category', 'Observation', '--confidentiality', 'Normal']);
    let recordId = added.record_id;
    assert.equal(typeof recordId, 'number', `records add gave no id: ${JSON.stringify(added)}`);
    // The transaction's events come back in words and JSON.
    const registered = added.transactions[0].events.find((e) => e.event === 'RecordRegistered');
    assert.equal(registered.pallet, 'MedicalRecords');
    assert.equal(registered.fields.id, recordId);
    assert.equal(registered.fields.patient, ids.patient.account, 'accounts in events are SS58 addresses');
    assert.equal(registered.fields.category, 'Observation');
    let onChain = (await api.call.medicalRecordsApi.record(recordId)).unwrap();
    assert.equal(onChain.contentHash.unwrap().toHex(), added.content_hash, 'the chain has the uploaded hash');
    assert.equal(onChain.subject.toString(), ids.patient.account);
    const { out: listed } = cli('patient', ['records', 'list']);
    assert.deepEqual(listed.records.map((r) => [r.record_id, r.status, r.content_hash]), [[recordId, 'Current', added.content_hash]]);
    log(`record ${recordId} added (${added.content_hash}), listed`);

    // 2. The provider asks, the patient approves and shares the key.
    const justification = join(dir, 'referral.txt');
    writeFileSync(justification, 'referral letter');
    const { out: requested } = cli('provider', [
      'consent', 'request', '--patient', ids.patient.account, '--actions', 'Access', '--purposes', 'Treatment', '--justification', justification,
    ]);
    const { out: approved } = cli('patient', ['consent', 'approve', String(requested.request_id)]);
    const consentId = approved.consent_id;
    assert.equal(typeof consentId, 'number', `no consent id: ${JSON.stringify(approved)}`);
    const { out: shared } = cli('patient', ['records', 'share', String(recordId), '--to', ids.provider.account, '--x25519', ids.provider.x25519]);
    assert.equal(shared.access_permitted, true, 'the provider may access after the approval');
    log(`request ${requested.request_id} approved as consent ${consentId}; key shared with the provider`);

    // 3. The provider reads it: the original bytes, under the chain's hash.
    const fetched = join(dir, 'fetched.json');
    const { out: got } = cli('provider', ['records', 'get', String(recordId), '--out', fetched]);
    assert.equal(got.content_hash, onChain.contentHash.unwrap().toHex());
    assert.equal(readFileSync(fetched, 'utf8'), fhir, 'the provider gets the original bytes');
    log('the provider fetched and decrypted the record');

    // 3a. The vault restarts serving HTTPS (a certificate from a test CA the clients are given
    // with --vault-ca): same data and key, so everything stored survives; the rest goes over TLS.
    log(`vault stopped for the switch to HTTPS (${JSON.stringify(await vault.stop())})`);
    const tls = makeCertificates(dir);
    vault = await startVault(vaultBinary, nodeUrl, join(dir, 'vault'), tls);
    vault.tls = tls;
    assert.equal(keyring.encodeAddress(vault.publicKey), vaultAccount, 'the same vault key after the restart');
    const overTls = join(dir, 'fetched-tls.json');
    cli('provider', ['records', 'get', String(recordId), '--out', overTls]);
    assert.equal(readFileSync(overTls, 'utf8'), fhir, 'the record is still there, now fetched over HTTPS');
    // Without the test CA the client refuses the vault's certificate.
    const untrusted = spawnSyncJson(medchain, ['--json', '--node', nodeUrl, '--vault', vault.url, '--keystore', keystore,
      '--identity', 'provider', 'records', 'get', String(recordId), '--out', join(dir, 'untrusted.json')]);
    assert.equal(untrusted.status, 4, `an untrusted certificate is a vault error: ${untrusted.stdout}`);
    assert.ok(/certificate|UnknownIssuer/i.test(untrusted.stdout), untrusted.stdout);
    log(`the vault serves HTTPS on ${vault.url}; the provider fetches over TLS, an untrusted certificate is refused`);

    // 3b. The patient amends the record: a new version, the old one superseded; the provider
    // (consented for all data) reads the new version once the patient shares its key.
    const fhir2 = JSON.stringify({ ...JSON.parse(fhir), valueQuantity: { value: 74, unit: 'beats/minute' } });
    const amendedFile = join(dir, 'observation-v2.json');
    writeFileSync(amendedFile, fhir2);
    const { out: amended } = cli('patient', ['records', 'amend', String(recordId), amendedFile]);
    assert.equal(amended.replaces, recordId);
    assert.equal(amended.version, 2);
    const old = (await api.call.medicalRecordsApi.record(recordId)).unwrap();
    assert.equal(old.status.toString(), 'Superseded', 'the old version is superseded');
    recordId = amended.record_id;
    added.content_hash = amended.content_hash;
    onChain = (await api.call.medicalRecordsApi.record(recordId)).unwrap();
    assert.equal(onChain.contentHash.unwrap().toHex(), amended.content_hash);
    assert.equal(onChain.replaces.unwrap().toNumber(), amended.replaces);
    cli('patient', ['records', 'share', String(recordId), '--to', ids.provider.account, '--x25519', ids.provider.x25519]);
    const fetched2 = join(dir, 'fetched-v2.json');
    cli('provider', ['records', 'get', String(recordId), '--out', fetched2]);
    assert.equal(readFileSync(fetched2, 'utf8'), fhir2, 'the provider gets the amended version');
    log(`record amended: version 2 is record ${recordId}, the first superseded; the provider reads version 2`);

    // 4. A third party is refused, and the refusal is on chain.
    const headBefore = (await api.call.consentApi.auditHead(ids.patient.account)).count.toNumber();
    const refused = cli('stranger', ['records', 'get', String(recordId), '--out', join(dir, 'stolen.json')], { expectFail: true });
    assert.equal(refused.status, 6, `the stranger is denied (exit 6): ${JSON.stringify(refused.out)}`);
    assert.equal(refused.out.error.kind, 'denied');
    const headAfter = (await api.call.consentApi.auditHead(ids.patient.account)).count.toNumber();
    // `records get` asks for the sealed record and the key envelope at once: two requests, two
    // refusals in the log.
    assert.equal(headAfter, headBefore + 2, 'both refusals are in the patient access log on chain');
    const audit = readFileSync(join(dir, 'vault', 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const denial = audit.find((event) => event.accessor === ids.stranger.public_key);
    assert.ok(denial, `the vault audit log has the stranger's attempt: ${JSON.stringify(audit)}`);
    assert.equal(denial.permitted, false);
    assert.equal(denial.record, String(recordId));
    log(`the stranger is refused (exit 6); access log count ${headBefore} -> ${headAfter}`);

    // 4b. The patient reads their access log: every entry from the chain's events, each link
    // recomputed up to the head the chain keeps.
    const { out: accessLog } = cli('patient', ['consent', 'log']);
    assert.equal(accessLog.count, headAfter);
    assert.equal(accessLog.entries.length, headAfter, 'every logged access was found');
    assert.equal(accessLog.complete, true, `the log verifies against its head: ${JSON.stringify(accessLog)}`);
    assert.deepEqual(accessLog.broken, []);
    for (const last of accessLog.entries.slice(-2)) {
      assert.equal(last.accessor, ids.stranger.account);
      assert.equal(last.permitted, false);
      assert.equal(last.logger, vaultAccount, 'the vault logged it');
    }
    assert.ok(accessLog.entries.some((e) => e.accessor === ids.provider.account && e.permitted), 'the provider reads are logged');
    log(`access log: ${accessLog.count} entries, hash chain verified against the head on chain`);

    // 4c. Break-glass: a registered emergency responder gets emergency-treatment access for the
    // emergency period, visible to the patient, and ends it.
    const emergencyCheck = (expectFail) =>
      cli(null, ['consent', 'check', '--patient', ids.patient.account, '--accessor', ids.responder.account,
        '--record', String(recordId), '--purpose', 'EmergencyTreatment'], { expectFail });
    assert.equal(emergencyCheck(true).status, 6, 'no access before the emergency');
    const note = join(dir, 'emergency.txt');
    writeFileSync(note, 'unconscious patient admitted to the emergency department');
    const { out: glass } = cli('responder', ['consent', 'emergency', 'start', '--patient', ids.patient.account,
      '--reason', 'PatientIncapacitated', '--justification', note]);
    assert.equal(typeof glass.emergency_id, 'number');
    assert.ok(glass.transactions[0].events.some((e) => e.event === 'EmergencyAccessStarted' && e.fields.provider === ids.responder.account));
    const permitted = emergencyCheck(false).out;
    assert.ok(permitted.decision.includes('Emergency'), `permitted by the emergency: ${permitted.decision}`);
    const { out: listedEmergencies } = cli('patient', ['consent', 'emergency', 'list']);
    assert.deepEqual(listedEmergencies.emergencies.map((e) => [e.id, e.provider, e.reason]),
      [[glass.emergency_id, ids.responder.account, 'PatientIncapacitated']]);
    cli('responder', ['consent', 'emergency', 'end', String(glass.emergency_id)]);
    assert.equal(emergencyCheck(true).status, 6, 'no access after the emergency ended');
    log(`break-glass access ${glass.emergency_id}: permitted, listed for the patient, ended`);

    // 5. The patient revokes: the provider is refused from then on.
    cli('patient', ['consent', 'revoke', String(consentId)]);
    const afterRevoke = cli('provider', ['records', 'get', String(recordId), '--out', join(dir, 'again.json')], { expectFail: true });
    assert.equal(afterRevoke.status, 6, `the provider is denied after the revocation: ${JSON.stringify(afterRevoke.out)}`);
    log('after the revocation the provider is refused');

    // 6. The patient (uploader and custodian) erases the record.
    const { out: erased } = cli('patient', ['records', 'erase', String(recordId)]);
    assert.equal(erased.requested, true);
    assert.equal(erased.vault.deleted, true);
    assert.equal(erased.vault.receipt_verified, true);
    assert.equal(erased.vault.receipt.vault, vault.publicKey, 'the receipt is signed by the vault key');
    assert.equal(erased.confirmed, true);
    assert.equal(erased.status, 'Erased');
    const objectStatus = (await vaultRequest(vault, 'DELETE', `/v1/objects/${added.content_hash}`)).status;
    assert.equal(objectStatus, 401, 'unsigned requests are refused');
    const tomb = (await api.call.medicalRecordsApi.record(recordId)).unwrap();
    assert.equal(tomb.status.toString(), 'Erased');
    assert.ok(tomb.contentHash.isNone, 'the hash is cleared');
    assert.equal(tomb.locator.length, 0, 'the locator is cleared');
    // The vault no longer holds the object nor its envelopes.
    const hex = added.content_hash.slice(2);
    assert.equal(existsSync(join(dir, 'vault', 'objects', hex.slice(0, 2), hex)), false, 'the object directory is gone');
    // The client refuses an erased record from the chain's tombstone.
    const gone = cli('patient', ['records', 'get', String(recordId), '--out', join(dir, 'gone.json')], { expectFail: true });
    assert.ok(gone.out.error.message.includes('erased'), `erased: ${JSON.stringify(gone.out)}`);
    const again = cli('patient', ['records', 'confirm-erasure', String(recordId)], { expectFail: true });
    assert.ok(again.out.error.message.includes('already erased'), JSON.stringify(again.out));
    log(`record ${recordId} erased: vault receipt verified, tombstone on chain`);

    // 7. A record the vault keeps as custodian: the patient's erasure request, the vault's
    // deletion and its own confirmation on chain, in one command.
    const kept = join(dir, 'kept.json');
    writeFileSync(kept, JSON.stringify({ resourceType: 'Observation', status: 'final', valueQuantity: { value: 37.2, unit: 'Cel' } }));
    const { out: keptAdded } = cli('patient', ['records', 'add', kept, '--category', 'Observation', '--confidentiality', 'Normal', '--custodian', vaultAccount]);
    const keptRecord = (await api.call.medicalRecordsApi.record(keptAdded.record_id)).unwrap();
    assert.equal(keptRecord.custodian.toString(), vaultAccount, 'the vault is the custodian');
    const { out: keptErased } = cli('patient', ['records', 'erase', String(keptAdded.record_id)]);
    assert.equal(keptErased.requested, true);
    assert.equal(keptErased.vault.by_record, true);
    assert.equal(keptErased.vault.confirmed_by_vault, true, `the vault confirmed: ${JSON.stringify(keptErased)}`);
    assert.equal(keptErased.status, 'Erased');
    assert.equal(keptErased.transactions.length, 1, 'the patient submitted only the request');
    const keptHex = keptAdded.content_hash.slice(2);
    assert.equal(existsSync(join(dir, 'vault', 'objects', keptHex.slice(0, 2), keptHex)), false, 'the object is gone');
    log(`record ${keptAdded.record_id} kept by the vault: erased by the vault on the patient's request, confirmed by the vault on chain`);

    await study(api, { alice, cli, dir });
  } catch (error) {
    if (vault) console.error(`[e2e] last vault output:\n${vault.lastLines()}`);
    throw error;
  } finally {
    if (vault) log(`vault stopped (${JSON.stringify(await vault.stop())})`);
    rmSync(dir, { recursive: true, force: true });
  }
}
