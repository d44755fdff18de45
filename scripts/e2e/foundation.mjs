// Issue 2: the chain produces and finalizes blocks, Polkadot.js needs nothing but the
// metadata, and a signed transfer is included with the expected events and balance change.

import assert from 'node:assert/strict';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { UNIT, findEvent, log, submit, waitForFinalized } from './lib.mjs';

function checkMetadata(api, warnings) {
  const metadata = api.runtimeMetadata;
  assert.ok(metadata.version >= 14, `metadata version ${metadata.version} is too old for Polkadot.js`);
  // Decoding every constant of every pallet exercises the type registry built from metadata.
  let constants = 0;
  for (const [pallet, items] of Object.entries(api.consts)) {
    for (const [name, value] of Object.entries(items)) {
      assert.notEqual(value.toHuman(), undefined, `constant ${pallet}.${name} does not decode`);
      constants += 1;
    }
  }
  // Every type in the metadata's registry must resolve without help.
  const lookup = api.registry.lookup;
  for (const { id } of lookup.types) {
    lookup.getTypeDef(id);
  }
  const unresolved = warnings.filter((w) => /Unable to resolve|Unknown type/i.test(w));
  assert.deepEqual(unresolved, [], 'Polkadot.js needed custom types');
  // Polkadot.js treats extensions it has no built-in definition for as carrying no data. That
  // is only correct when the metadata says so: both their payload types must be empty.
  // Metadata v14/v15 call them signed extensions, v16 transaction extensions.
  const { extrinsic } = metadata.asLatest;
  const signedExtensions = extrinsic.signedExtensions ?? extrinsic.transactionExtensions;
  const isEmpty = (typeId) => {
    const def = lookup.getSiType(typeId).def;
    return (def.isTuple && def.asTuple.length === 0) || (def.isComposite && def.asComposite.fields.length === 0);
  };
  for (const warning of warnings.filter((w) => /Unknown signed extensions/i.test(w))) {
    const names = warning.replace(/.*Unknown signed extensions (.*) found.*/s, '$1').split(',').map((n) => n.trim());
    for (const name of names) {
      const ext = signedExtensions.find((e) => e.identifier.toString() === name);
      assert.ok(ext, `Polkadot.js reported an extension the metadata does not list: ${name}`);
      assert.ok(isEmpty(ext.type) && isEmpty(ext.additionalSigned ?? ext.implicit), `extension ${name} carries data Polkadot.js cannot encode`);
    }
  }
  const extensions = signedExtensions.map((e) => e.identifier.toString());
  assert.ok(extensions.includes('CheckMetadataHash'), `CheckMetadataHash missing from ${extensions}`);
  log(`metadata v${metadata.version}: ${lookup.types.length} types, ${constants} constants decoded, extensions ${extensions.join(', ')}`);
}

export async function run(api, { warnings, keyring }) {
  // Blocks are produced and finalized.
  const finalized = await waitForFinalized(api, 2);
  log(`finalized block #${finalized}`);

  // The RPC answers state_getMetadata and the metadata is self-sufficient.
  const rawMetadata = await api.rpc.state.getMetadata();
  assert.ok(rawMetadata.toU8a().length > 10_000, 'state_getMetadata returned too little');
  checkMetadata(api, warnings);

  // Chain properties give wallets the token.
  assert.deepEqual(api.registry.chainTokens, ['MED']);
  assert.deepEqual(api.registry.chainDecimals, [12]);
  assert.equal(api.registry.chainSS58, 42);

  // A signed transfer from Alice to a brand-new account.
  const alice = keyring.addFromUri('//Alice');
  const recipient = keyring.addFromUri(mnemonicGenerate());
  const amount = 5n * UNIT;
  const before = (await api.query.system.account(alice.address)).data.free.toBigInt();
  const { blockHash, events } = await submit(
    api,
    api.tx.balances.transferKeepAlive(recipient.address, amount),
    alice,
    'transfer',
  );
  log(`transfer finalized in block ${blockHash.toHex()}`);

  assert.ok(findEvent(events, 'system', 'ExtrinsicSuccess'), 'no system.ExtrinsicSuccess event');
  const transfer = findEvent(events, 'balances', 'Transfer');
  assert.ok(transfer, 'no balances.Transfer event');
  const [from, to, value] = transfer.data;
  assert.equal(from.toString(), alice.address);
  assert.equal(to.toString(), recipient.address);
  assert.equal(value.toBigInt(), amount);
  const feePaid = findEvent(events, 'transactionPayment', 'TransactionFeePaid');
  assert.ok(feePaid, 'no transactionPayment.TransactionFeePaid event');
  const fee = feePaid.data[1].toBigInt();
  assert.ok(fee > 0n, 'the transfer paid no fee');

  const at = await api.at(blockHash);
  const received = (await at.query.system.account(recipient.address)).data.free.toBigInt();
  const after = (await at.query.system.account(alice.address)).data.free.toBigInt();
  assert.equal(received, amount, 'recipient balance');
  assert.equal(before - after, amount + fee, 'sender paid the amount plus the fee');
  log(`recipient holds ${received} (5 MED), sender paid ${amount} + fee ${fee}`);
}
