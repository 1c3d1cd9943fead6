// Runs inside xsnap (XS) as a module, importing the XS bundle as an application would.
// The Node host relays what a Moddable device would have natively: TCP sockets (shaped as
// ECMA-419's TCP class and as Moddable's `socket` module, so both adapters in
// src/device/moddable*.ts run for real), timers, and random bytes (shaped as Moddable's
// `rng` module). Everything else (TLS, X.509, MQTT, the crypto) runs in XS.
import * as mt from './microtls.xs.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function host(message) {
  const reply = issueCommand(enc.encode(JSON.stringify(message)).buffer);
  return reply && reply.byteLength ? JSON.parse(dec.decode(reply)) : undefined;
}

// Socket bytes travel as binary frames, not JSON, so the engine's figures carry no encoding
// cost a device would not have: [0][socket id, 4 bytes big-endian][bytes].
const DATA = 0;

function frame(id, bytes) {
  const f = new Uint8Array(5 + bytes.length);
  f[0] = DATA;
  new DataView(f.buffer).setUint32(1, id);
  f.set(bytes, 5);
  return f.buffer;
}

function hostWrite(id, bytes) {
  return new DataView(issueCommand(frame(id, bytes))).getUint32(0);
}

const now = typeof performance === 'object' ? () => performance.now() : () => Date.now();

// Moddable's `timer` module shape (Timer.set / Timer.clear): the host keeps a Node timer per
// id and sends 'fire' when it expires. Time.ticks is Moddable's monotonic millisecond counter.
const timers = new Map();
let nextTimer = 1;
const Timer = {
  set(fn, ms) { const id = nextTimer++; timers.set(id, fn); host({ op: 'timer', id, ms: Math.max(0, ms | 0) }); return id; },
  clear(id) { if (timers.delete(id)) host({ op: 'clear', id }); },
};
const Time = { get ticks() { return Math.floor(now()); } };
const relayTimers = mt.moddableTimers(Timer, Time);

// The clock certificates are checked against: set at start-up, as SNTP does on a device.
const clock = mt.moddableClock(Time);
clock.set(new Date());

// Moddable's rng module shape: RNG.get(n) -> ArrayBuffer.
const RNG = { get: (n) => issueCommand(enc.encode(JSON.stringify({ op: 'random', n })).buffer) };
const random = mt.moddableRandom(RNG);

const sockets = new Map();
let nextSocket = 1;

function concat(chunks) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

function bytesOf(b) {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// ECMA-419 (embedded:io/socket/tcp) shape.
class RelayTCP {
  constructor(options) {
    this.id = nextSocket++;
    this.options = options;
    this.chunks = [];
    this.count = 0;
    sockets.set(this.id, this);
    host({ op: 'connect', id: this.id, address: options.address, port: options.port });
  }
  read() {
    if (this.count === 0) return undefined;
    const all = concat(this.chunks);
    this.chunks = [];
    this.count = 0;
    return all.buffer;
  }
  write(buffer) {
    return hostWrite(this.id, bytesOf(buffer));
  }
  close() {
    if (sockets.delete(this.id)) host({ op: 'close', id: this.id });
  }
  event(kind, b) {
    if (kind === 'connect') this.options.onWritable?.(65536);
    else if (kind === 'data') { this.chunks.push(b); this.count += b.length; this.options.onReadable?.(this.count); }
    else { sockets.delete(this.id); this.options.onError?.(kind); }
  }
}

// Moddable `socket` module shape.
class RelaySocket {
  constructor(dictionary) {
    this.id = nextSocket++;
    this.chunks = [];
    this.count = 0;
    sockets.set(this.id, this);
    host({ op: 'connect', id: this.id, address: dictionary.address ?? dictionary.host, port: dictionary.port });
  }
  read(type) {
    if (type === undefined) return this.count;
    const all = concat(this.chunks);
    this.chunks = [];
    this.count = 0;
    return all.buffer;
  }
  write(...data) {
    let room = 65536;
    for (const d of data) room = hostWrite(this.id, bytesOf(d));
    return room;
  }
  close() {
    if (sockets.delete(this.id)) host({ op: 'close', id: this.id });
  }
  event(kind, b) {
    if (kind === 'connect') this.callback?.(1);
    else if (kind === 'data') { this.chunks.push(b); this.count += b.length; this.callback?.(2, this.count); }
    else { sockets.delete(this.id); this.callback?.(kind === 'end' ? -1 : -2); }
  }
}

function errorOf(e) {
  return { code: e.code, codeName: e.codeName, message: String(e.message ?? e) };
}

function socketsFor(api) {
  return api === 'socket' ? { Socket: RelaySocket } : { socket: { io: RelayTCP } };
}

let lastSession;

function firstData(s) {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (d) => { text += mt.utf8DecodeStrict(d); if (text.length >= 13) resolve(text); });
    s.on('close', () => resolve(text));
  });
}

const scenarios = {
  async tls(p) {
    const t0 = now();
    let s;
    try {
      s = await mt.connect({
        host: '127.0.0.1', port: p.port, servername: 'localhost', verify: p.verify, random, timers: relayTimers,
        clock: p.clockUnset ? mt.moddableClock(Time) : clock,
        ...(p.ca ? { ca: p.ca } : {}), ...(p.cert ? { cert: p.cert, key: p.key } : {}),
        ...(p.resume && lastSession ? { session: lastSession } : {}),
        ...(p.suite ? { cipherSuites: [p.suite] } : {}),
        ...socketsFor(p.api),
      });
    } catch (e) {
      return { error: errorOf(e), ms: now() - t0 };
    }
    const ms = now() - t0;
    lastSession = s.getSession() ?? lastSession;
    let echo;
    if (p.echo) {
      const got = firstData(s);
      s.write(mt.utf8Encode('hello from xs'));
      echo = await got;
    }
    const info = s.handshake;
    s.end();
    return { ms, cipherSuite: s.cipherSuite, resumed: s.resumed, clientCertificateSent: info.clientCertificateSent, echo, hasSession: !!lastSession };
  },

  async mqtt(p) {
    const t0 = now();
    const tlsConnections = [];
    const client = mt.connectMqtt({
      host: '127.0.0.1', port: p.port, servername: 'localhost', tls: !p.plain, verifyServerCertificate: true, caCertificate: p.ca,
      reconnectPeriod: p.reconnect ? 50 : 0, clientId: 'xs-' + p.topic.replace(/\W/g, ''), keepalive: 30, clean: !p.reconnect,
      onSecureConnect: (s) => tlsConnections.push({ resumed: s.resumed, cipherSuite: s.cipherSuite }),
      random: (out) => out.set(random(out.length)), timers: relayTimers,
      tlsOptions: { random, timers: relayTimers, clock }, ...socketsFor(p.api),
    });
    try {
      await mt.whenConnected(client);
      const connectMs = now() - t0;
      const granted = await client.subscribe(p.topic, { qos: 1 });
      const rtts = [];
      let payload;
      for (let i = 0; i < (p.rounds ?? 1); i++) {
        const got = new Promise((resolve) => client.once('message', (topic, message) => resolve(mt.utf8DecodeStrict(message))));
        const t1 = now();
        await client.publish(p.topic, 'qos1 from xs ' + i, { qos: 1 });
        payload = await got;
        rtts.push(now() - t1);
      }
      let afterReconnect;
      if (p.reconnect) {
        // The network drops every connection; the client reconnects and offers its session.
        const back = new Promise((resolve) => client.once('connect', resolve));
        host({ op: 'dropSockets' });
        await back;
        const got = new Promise((resolve) => client.once('message', (topic, message) => resolve(mt.utf8DecodeStrict(message))));
        await client.publish(p.topic, 'after the reconnect', { qos: 1 });
        afterReconnect = await got;
      }
      await client.end();
      return { connectMs, granted, payload, rtts, tlsConnections, afterReconnect };
    } catch (e) {
      await client.end(true);
      return { error: errorOf(e) };
    }
  },

  // A TCP exchange without TLS through the same socket shim and host relay, shaped like a
  // counted handshake (bench/lib/shaped-pong.ts): flights [bytes out, bytes back] in turn. The
  // transport's own cost, measured apart from the handshakes the cost model is checked on.
  pong(p) {
    return new Promise((resolve) => {
      const t0 = now();
      let flight = 0;
      let got = 0;
      const send = () => {
        const [out, back] = p.flights[flight];
        const b = new Uint8Array(Math.max(8, out));
        new DataView(b.buffer).setUint32(0, b.length);
        new DataView(b.buffer).setUint32(4, back);
        s.write(b.buffer);
      };
      const s = new RelayTCP({
        address: '127.0.0.1', port: p.port,
        onWritable() { if (flight === 0 && got === 0) send(); },
        onReadable() {
          got += s.read().byteLength;
          if (got < p.flights[flight][1]) return;
          got = 0;
          if (++flight < p.flights.length) return send();
          s.close();
          resolve({ ms: now() - t0 });
        },
        onError(kind) { resolve({ error: { message: `pong socket: ${kind}` } }); },
      });
    });
  },

  // The cost model's machine-speed reference (bench/model/kernel.ts's loop), run between live
  // handshakes: the host times it as it times them.
  kernel(p) {
    const a = new Uint8Array(1024);
    let x = 7;
    for (let r = 0; r < p.rounds; r++) {
      for (let i = 0; i < 1024; i++) { x = ((x ^ a[i]) * 31 + i) & 0xffff; a[i] = x & 0xff; }
    }
    return { x };
  },

  heap() {
    if (typeof gc === 'function') gc();
    return { sockets: sockets.size, timers: timers.size };
  },
};

globalThis.handleCommand = (buffer) => {
  const b = new Uint8Array(buffer);
  if (b[0] === DATA) sockets.get(new DataView(buffer).getUint32(1))?.event('data', b.slice(5));
  else dispatch(JSON.parse(dec.decode(buffer)));
  return undefined;
};

function dispatch(m) {
  if (m.op === 'ev') sockets.get(m.id)?.event(m.kind);
  else if (m.op === 'fire') { const fn = timers.get(m.id); timers.delete(m.id); fn?.(); }
  else if (m.op === 'run') {
    Promise.resolve()
      .then(() => scenarios[m.scenario](m.params))
      .then((result) => host({ op: 'done', token: m.token, result }), (e) => host({ op: 'done', token: m.token, result: { error: errorOf(e) } }));
  }
}
