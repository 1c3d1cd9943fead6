// Runs inside a device engine (xst, QuickJS, xsnap) as a module: the recorded replays
// through the XS bundle's public API only. Host-neutral: no print, console or timers;
// results go to globalThis.microtlsReplay's caller as JSON strings.
import { TlsClient, xsProvider, completeProvider, digest, fixedClock, fromHex, toHex, utf8Encode, utf8DecodeStrict } from './microtls.xs.js';

const provider = completeProvider(xsProvider);

// The recorder's random source: SHA-256(seed || counter), streamed.
function seededRandom(seed) {
  const s = utf8Encode(seed);
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (pool.length === 0) {
        const block = new Uint8Array(s.length + 4);
        block.set(s);
        new DataView(block.buffer).setUint32(s.length, counter++);
        pool = digest(provider, 'sha256', block);
      }
      const take = Math.min(pool.length, n - filled);
      out.set(pool.subarray(0, take), filled);
      pool = pool.subarray(take);
      filled += take;
    }
    return out;
  };
}

function replay(fixtureJson, optionsJson) {
  const f = JSON.parse(fixtureJson);
  const opts = optionsJson ? JSON.parse(optionsJson) : {};
  const t0 = Date.now();
  const out = [];
  let received = '';
  let info;
  let closed = false;
  let error;
  const engine = new TlsClient({
    // verifyCa: verify the recorded chain against this CA at the recording's time.
    ...(opts.verifyCa ? { verify: true, ca: opts.verifyCa, clock: fixedClock(new Date(f.now)) } : { verify: false }),
    serverName: f.serverName, cipherSuites: [f.suite], provider,
    random: seededRandom(opts.seed ?? f.seed), now: () => f.now,
  }, {
    output: (b) => out.push(toHex(b)),
    handshake: (i) => { info = i; engine.write(utf8Encode(f.message)); },
    data: (d) => { received += utf8DecodeStrict(d) ?? '\ufffd'; if (received === f.message) engine.close(); },
    close: () => { closed = true; },
    error: (e) => { error = { codeName: e.codeName, message: e.message }; },
  });
  engine.start();
  const server = f.flow.filter((x) => x.dir === 'server').map((x) => x.hex);
  if (opts.flipLastServerByte) {
    const i = server.findIndex((h) => h.includes('140303000101'));
    const h = server[i];
    server[i] = h.slice(0, -2) + (parseInt(h.slice(-2), 16) ^ 1).toString(16).padStart(2, '0');
  }
  for (const hex of server) {
    const chunk = fromHex(hex);
    if (opts.chunk) for (let i = 0; i < chunk.length; i += opts.chunk) engine.receive(chunk.subarray(i, i + opts.chunk));
    else engine.receive(chunk);
  }
  const clientBytes = out.join('');
  const expected = f.flow.filter((x) => x.dir === 'client').map((x) => x.hex).join('');
  return JSON.stringify({
    suite: f.suite,
    clientBytesMatch: clientBytes === expected,
    clientBytesLength: clientBytes.length / 2,
    cipherSuite: info?.cipherSuite.name,
    extendedMasterSecret: info?.extendedMasterSecret,
    encryptThenMac: info?.encryptThenMac,
    received: info ? received : undefined,
    closed,
    error,
    ms: Date.now() - t0,
  });
}

// Record protection speed: AES-128-GCM sealing 16 KiB records (what bulk data costs here).
function gcmRate() {
  const gcm = provider.aesGcm(new Uint8Array(16).fill(1));
  const record = new Uint8Array(16384);
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(13);
  gcm.seal(nonce, record, aad);
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < 400 || n < 2) { gcm.seal(nonce, record, aad); n++; }
  return (n * record.length) / ((Date.now() - t0) / 1000) / 1e6;
}

globalThis.microtlsReplay = replay;
globalThis.microtlsGcmRate = gcmRate;
