import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { parseNewSessionTicket } from '../../src/session/new-session-ticket.js';

function expectBad(body: Uint8Array, label: string): void {
  try {
    parseNewSessionTicket(body);
  } catch (e) {
    assert.instance(e, MicroTlsError, label);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_BAD_HS_NEW_SESSION_TICKET', label);
    assert.is((e as MicroTlsError).info.alert, 50, label);
    return;
  }
  assert.unreachable(`accepted ${label}`);
}

const TICKET = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
const BODY = new Uint8Array([0x00, 0x01, 0x51, 0x80, 0x00, 200, ...TICKET]); // hint 86400

test('parses lifetime hint and ticket', () => {
  const nst = parseNewSessionTicket(BODY);
  assert.is(nst.lifetimeHint, 86400);
  assert.is(toHex(nst.ticket), toHex(TICKET));
});

test('the ticket is a copy, not a view of the handshake buffer', () => {
  const body = BODY.slice();
  const nst = parseNewSessionTicket(body);
  body[6] = body[6]! ^ 0xff;
  assert.is(nst.ticket[0], TICKET[0]);
  assert.is(nst.ticket.buffer === body.buffer, false);
});

test('u32 hint above 2^31 stays positive', () => {
  assert.is(parseNewSessionTicket(fromHex('ffffffff0000')).lifetimeHint, 0xffffffff);
});

test('empty ticket is legal (the server changed its mind)', () => {
  const nst = parseNewSessionTicket(fromHex('000000000000'));
  assert.is(nst.lifetimeHint, 0);
  assert.is(nst.ticket.length, 0);
});

test('truncation at every byte is refused', () => {
  for (let cut = 0; cut < BODY.length; cut++) expectBad(BODY.subarray(0, cut), `cut at ${cut}`);
});

test('trailing bytes and overlong length are refused', () => {
  expectBad(new Uint8Array([...BODY, 0]), 'trailing byte');
  const overlong = BODY.slice();
  overlong[5] = 201;
  expectBad(overlong, 'length one too long');
  const short = BODY.slice();
  short[5] = 199;
  expectBad(short, 'length one too short');
  expectBad(fromHex('00000000ffff'), 'length 65535 with nothing');
});

test('maximal ticket (65535 bytes) is accepted', () => {
  const body = new Uint8Array(6 + 0xffff);
  body[4] = 0xff;
  body[5] = 0xff;
  assert.is(parseNewSessionTicket(body).ticket.length, 0xffff);
});

test.run();
