import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dnsPatternMatches, normalizeDnsName } from '../../src/x509/hostname.js';
import { formatIp, parseIpAddress } from '../../src/x509/ip.js';
import { checkNameConstraints } from '../../src/x509/name-constraints.js';
import type { GeneralName } from '../../src/x509/general-name.js';

test('wildcards: one, whole left-most label, never across dots or partial', () => {
  const cases: [string, string, boolean][] = [
    ['*.example.com', 'mqtt.example.com', true],
    ['*.example.com', 'MQTT.Example.COM.', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['f*o.example.com', 'foo.example.com', false],
    ['*oo.example.com', 'foo.example.com', false],
    ['mqtt.*.com', 'mqtt.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['*', 'com', false],
    ['*.com', 'example.com', false],
    ['mqtt.example.com', 'mqtt.example.com', true],
    ['MQTT.example.com.', 'mqtt.example.com', true],
    ['mqtt.example.com', 'mqtt.example.org', false],
  ];
  for (const [pattern, host, expected] of cases) {
    const h = normalizeDnsName(host);
    assert.ok(h, host);
    assert.is(dnsPatternMatches(pattern, h!), expected, `${pattern} vs ${host}`);
  }
});

test('host names must be LDH', () => {
  assert.is(normalizeDnsName('foo_bar.example.com'), undefined);
  assert.is(normalizeDnsName('-a.example.com'), undefined);
  assert.is(normalizeDnsName('a..example.com'), undefined);
  assert.is(normalizeDnsName('Example.COM.'), 'example.com');
});

test('IP literals: strict v4, v6 with compression and embedded v4; RFC 5952 output', () => {
  assert.equal(Array.from(parseIpAddress('192.168.1.10')!), [192, 168, 1, 10]);
  for (const bad of ['192.168.001.001', '0xC0A80101', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1:2:3', '1::2::3', '12345::1', ':::']) {
    assert.is(parseIpAddress(bad), undefined, bad);
  }
  assert.is(formatIp(parseIpAddress('2001:DB8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.is(formatIp(parseIpAddress('::1')!), '::1');
  assert.is(formatIp(parseIpAddress('::')!), '::');
  assert.is(formatIp(parseIpAddress('2001:db8::0:1')!), '2001:db8::1');
  assert.is(formatIp(parseIpAddress('2001:db8:0:1:1:1:1:1')!), '2001:db8:0:1:1:1:1:1');
  assert.is(formatIp(parseIpAddress('::ffff:10.0.0.1')!), '::ffff:a00:1');
  assert.is(formatIp(parseIpAddress('[fe80::1]')!), 'fe80::1');
});

test('name constraints: DNS subtrees, wildcards against excluded subtrees (CVE-2025-61727), IP masks, e-mail forms', () => {
  const dns = (v: string): GeneralName => ({ type: 'dns', value: v });
  const nc = (permitted: GeneralName[], excluded: GeneralName[]) => ({ permitted: permitted.map((base) => ({ base })), excluded: excluded.map((base) => ({ base })) });
  const check = (c: ReturnType<typeof nc>, names: GeneralName[]) => checkNameConstraints(c, names, { remaining: 1000 });
  assert.is(check(nc([dns('example.com')], []), [dns('a.example.com')]), undefined);
  assert.is(check(nc([dns('example.com')], []), [dns('example.com')]), undefined);
  assert.match(check(nc([dns('example.com')], []), [dns('badexample.com')])!, /outside/);
  assert.match(check(nc([], [dns('bar.example.com')]), [dns('*.example.com')])!, /excluded/);
  assert.is(check(nc([], [dns('a.bar.example.com')]), [dns('*.example.com')]), undefined);
  assert.match(check(nc([dns('foo.example.com')], []), [dns('*.example.com')])!, /outside/);
  assert.is(check(nc([dns('example.com')], []), [dns('*.example.com')]), undefined);
  const ip = (bytes: number[]): GeneralName => ({ type: 'ip', bytes: Uint8Array.from(bytes) });
  assert.is(check(nc([ip([10, 1, 0, 0, 255, 255, 0, 0])], []), [ip([10, 1, 2, 3])]), undefined);
  assert.match(check(nc([ip([10, 1, 0, 0, 255, 255, 0, 0])], []), [ip([10, 2, 2, 3])])!, /10\.2\.2\.3/);
  const email = (v: string): GeneralName => ({ type: 'email', value: v });
  assert.is(check(nc([email('example.com')], []), [email('a@example.com')]), undefined);
  assert.match(check(nc([email('example.com')], []), [email('a@sub.example.com')])!, /outside/);
  assert.is(check(nc([email('.example.com')], []), [email('a@sub.example.com')]), undefined);
  assert.is(check(nc([email('a@example.com')], []), [email('a@EXAMPLE.com')]), undefined);
  assert.match(check(nc([email('a@example.com')], []), [email('b@example.com')])!, /outside/);
  const uri: GeneralName = { type: 'uri', value: 'https://example.com/' };
  assert.match(check(nc([{ type: 'uri', value: 'example.com' }], []), [uri])!, /not supported/);
  assert.match(checkNameConstraints(nc([dns('example.com')], []), [dns('a.example.com'), dns('b.example.com')], { remaining: 1 })!, /too many/);
});

test.run();
