// End-to-end tests of medchain development nodes through @polkadot/api, the library Polkadot.js
// apps is built on, with no type definitions supplied, and through the `medchain` binaries.
//
//   node run.mjs --built <binaries.json> [suite ...]
//
// <binaries.json> names the executables of one build ({"medchain-node": "/…/medchain-node", …}),
// as scripts/test.sh and scripts/build.sh write it: a suite runs only binaries from that build,
// and fails at once if one it needs is not there. With no suites named, the suites run in
// GROUPS, each group on its own node in its own process, the groups side by side (most of a
// suite's time is waiting for blocks). Named suites run in one group, in the order given.
// Any failure exits non-zero with the reason and the node's last log lines; at the end each
// suite's duration is printed.
//
// MEDCHAIN_E2E_BLOCK_TIME (ms, default 2000) sets the nodes' --dev-block-time.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { connect, log, startNode, withTimeout } from './lib.mjs';

// The binaries each suite runs besides the node.
const SUITES = {
  foundation: [],
  records: [],
  consent: [],
  supply: [],
  stats: ['medchain-crypto'],
  client: ['medchain', 'medchain-vault'],
  client_supply: ['medchain'],
  // Last in its group, after the suites that fill every pallet: enacts the node's own code again
  // (scripts/upgrade.sh runs it with a second runtime, one spec version on).
  upgrade: [],
};
// Two groups of about equal length: the @polkadot/api suites, and the command-line suites.
const GROUPS = [
  ['foundation', 'records', 'consent', 'supply', 'stats', 'upgrade'],
  ['client', 'client_supply'],
];
const OVERALL_TIMEOUT_MS = 1_500_000;
const BLOCK_TIME_MS = Number(process.env.MEDCHAIN_E2E_BLOCK_TIME ?? 2000);

function usage(problem) {
  console.error(`${problem}\nusage: node run.mjs --built <binaries.json> [${Object.keys(SUITES).join('|')} ...]`);
  process.exit(2);
}

function parseArguments(argv) {
  const at = argv.indexOf('--built');
  if (at < 0 || !argv[at + 1]) usage('missing --built <binaries.json>');
  const manifest = argv[at + 1];
  const suites = argv.filter((_, i) => i !== at && i !== at + 1);
  for (const name of suites) if (!(name in SUITES)) usage(`unknown suite ${name}`);
  let built;
  try {
    built = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch (error) {
    usage(`cannot read ${manifest}: ${error.message}`);
  }
  return { manifest, built, suites };
}

/// The path of `name` in this build, or a failure that says which build step is missing.
function binary(built, name, suite) {
  const path = built[name];
  if (!path) {
    throw new Error(`suite ${suite} runs ${name}, which this build did not produce (scripts/build.sh builds it)`);
  }
  return path;
}

/// Fails unless this build produced every binary that `suites` run.
function checkBinaries(built, suites) {
  for (const suite of suites) for (const name of ['medchain-node', ...SUITES[suite]]) binary(built, name, suite);
}

/// Runs `suites` in order on one node, in this process.
async function runGroup(built, suites) {
  checkBinaries(built, suites);
  await cryptoWaitReady();
  const node = await startNode(binary(built, 'medchain-node', suites[0]), { blockTime: BLOCK_TIME_MS });
  // Stopped by the parent (another group failed, or the overall time limit): stop the node too.
  process.once('SIGTERM', () => node.stop().finally(() => process.exit(1)));
  const durations = [];
  let api;
  try {
    const started = Date.now();
    const warnings = [];
    api = await connect(node, warnings);
    durations.push(['node start to first RPC answer and API ready', Date.now() - started]);
    const [chain, version] = [await api.rpc.system.chain(), api.runtimeVersion];
    log(`connected to "${chain}", runtime ${version.specName} v${version.specVersion}, blocks every ${BLOCK_TIME_MS} ms`);
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const nodeUrl = `ws://127.0.0.1:${node.rpcPort}`;
    for (const name of suites) {
      log(`suite ${name}`);
      const suiteStarted = Date.now();
      const suite = await import(`./${name}.mjs`);
      await suite.run(api, {
        warnings,
        keyring,
        cryptoTool: built['medchain-crypto'],
        medchain: built.medchain,
        vaultBinary: built['medchain-vault'],
        nodeUrl,
      });
      durations.push([`suite ${name}`, Date.now() - suiteStarted]);
      log(`suite ${name}: PASS (${((Date.now() - suiteStarted) / 1000).toFixed(1)} s)`);
    }
  } catch (error) {
    error.nodeOutput = node.lastLines();
    throw error;
  } finally {
    await api?.disconnect().catch(() => {});
    const exit = await node.stop();
    log(`node stopped (${exit.signal ?? exit.code})`);
  }
  return durations;
}

/// Runs each group in a child process (`run.mjs --built <m> <suites…>`), side by side, every
/// line prefixed with its group; resolves once all have ended, rejecting if any failed.
async function runGroups(manifest, groups) {
  const script = fileURLToPath(import.meta.url);
  const children = [];
  process.once('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM')));
  const results = await Promise.all(
    groups.map(
      (suites, i) =>
        new Promise((resolve) => {
          const label = `[group ${i + 1}]`;
          const child = spawn(process.execPath, [script, '--built', manifest, ...suites], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          children.push(child);
          const relay = (stream, out) => {
            let rest = '';
            stream.on('data', (chunk) => {
              const lines = (rest + chunk).split('\n');
              rest = lines.pop();
              for (const line of lines) out.write(`${label} ${line}\n`);
            });
            stream.on('end', () => rest && out.write(`${label} ${rest}\n`));
          };
          relay(child.stdout, process.stdout);
          relay(child.stderr, process.stderr);
          child.on('exit', (code, signal) => resolve({ suites, code, signal }));
        }),
    ),
  );
  const failed = results.filter(({ code }) => code !== 0);
  if (failed.length) {
    throw new Error(`failed: ${failed.map(({ suites, code, signal }) => `${suites.join(', ')} (${signal ?? `exit ${code}`})`).join('; ')}`);
  }
}

async function main() {
  const { manifest, built, suites } = parseArguments(process.argv.slice(2));
  if (suites.length === 0) {
    // Check the whole build first, so that a missing binary fails before any node starts.
    checkBinaries(built, GROUPS.flat());
    const started = Date.now();
    await runGroups(manifest, GROUPS);
    log(`all groups passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  const durations = await runGroup(built, suites);
  for (const [what, ms] of durations) log(`${(ms / 1000).toFixed(1).padStart(7)} s  ${what}`);
}

withTimeout(main(), OVERALL_TIMEOUT_MS, 'end-to-end tests')
  .then(() => {
    log('PASS');
    process.exit(0);
  })
  .catch((error) => {
    const detail = error instanceof Error ? error.stack : JSON.stringify(error);
    console.error(`[e2e] FAIL: ${detail}`);
    if (error?.nodeOutput) console.error(`[e2e] last node output:\n${error.nodeOutput}`);
    process.exit(1);
  });
