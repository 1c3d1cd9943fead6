/**
 * Help and version, run as processes: `microtls --version`, `microtls help COMMAND` (the same
 * text as `COMMAND --help`), the package version in every help text, and for pub/sub every
 * flag mosquitto_pub/mosquitto_sub list in their own --help either documented or named as
 * refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { microtls, run, start } from '../helpers/run-process.js';
import { capture } from '../helpers/cli-io.js';
import { main } from '../../src/cli/main.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('microtls --version prints the package version; microtls help lists the commands', async () => {
  const [v, h] = await Promise.all([microtls(['--version']), microtls(['help'])]);
  assert.is(v.code, 0);
  assert.is(v.stdout.toString(), `microtls ${version}\n`);
  assert.is(h.code, 0);
  for (const c of ['probe', 'cert-info', 'errors', 'pub', 'sub']) assert.match(h.stdout.toString(), new RegExp(`^ {2}${c} `, 'm'));
  const bad = await microtls(['help', 'nope']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /no command 'nope'/);
});

test('every command: help COMMAND is COMMAND --help, exit 0, with the version', async () => {
  const commands = ['probe', 'cert-info', 'errors', 'pub', 'sub'];
  // help COMMAND as a process; COMMAND --help in-process, to spare five start-ups.
  const results = await Promise.all(commands.map((c) => microtls(['help', c])));
  for (const [i, c] of commands.entries()) {
    const viaHelp = results[i]!;
    const direct = capture();
    assert.is(await main([c, '--help'], direct.io), 0, c);
    assert.is(viaHelp.code, 0, `${c}: ${viaHelp.stderr}`);
    assert.is(viaHelp.stdout.toString(), direct.out.map((l) => `${l}\n`).join(''), c);
    assert.match(viaHelp.stdout.toString(), new RegExp(`microtls ${c} version ${version.replaceAll('.', '\\.')} `), c);
  }
});

for (const tool of ['pub', 'sub'] as const) {
  test(`${tool} --help covers every flag mosquitto_${tool} --help lists (documented, or refused with a reason)`, async () => {
    const [ours, theirs] = await Promise.all([microtls([tool, '--help']), run(`mosquitto_${tool}`, ['--help'])]);
    const text = ours.stdout.toString();
    assert.match(text, new RegExp(`^Usage: microtls ${tool} `, 'm'));
    const mosquittoFlags = [...(theirs.stdout.toString() + theirs.stderr).matchAll(/^ (-{1,2}[A-Za-z][\w-]*) :/gm)].map((m) => m[1]!);
    assert.ok(mosquittoFlags.length > 30, `parsed mosquitto_${tool} --help: ${mosquittoFlags.join(' ')}`);
    const missing = mosquittoFlags.filter((f) => !new RegExp(`(^ |, |\\s)${f.replace(/[-]/g, '\\-')}(,| :|\\s|\\.|$)`, 'm').test(text));
    assert.equal(missing, [], `flags of mosquitto_${tool} not in microtls ${tool} --help`);
  });
}

test('a refused flag says why: -A for pub, --random-filter for sub', async () => {
  const [a, rf] = await Promise.all([
    microtls(['pub', '-A', '127.0.0.1', '-t', 'a', '-m', 'b']),
    microtls(['sub', '--random-filter', '50', '-t', 'a']),
  ]);
  assert.is(a.code, 1);
  assert.match(a.stderr, /-A: binding to a local address is not supported by microtls/);
  assert.is(rf.code, 1);
  assert.match(rf.stderr, /--random-filter is not supported/);
});

test('a program that is not installed fails its test with the package to install, not the runner', () => {
  assert.throws(() => start('microtls-no-such-program', []), /'microtls-no-such-program' is not installed/);
});

test.run();
