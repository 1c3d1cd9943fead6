/**
 * Drives an xsnap worker (Moddable XS 13.3, from @agoric/xsnap) from Node without the
 * package's JS API, which locks the host process down with SES on import. The worker
 * speaks netstrings on fd 3 (to it) and fd 4 (from it):
 *   host -> worker  `e<code>` evaluate, `?<bytes>` call globalThis.handleCommand(ArrayBuffer)
 *   worker -> host  `.<meter json>\x01<reply>` done, `!<text>` uncaught error,
 *                   `?<bytes>` the worker's synchronous issueCommand(): the host answers `/<bytes>`.
 * The meter JSON carries `currentHeapCount` (XS heap slots in use) and `allocate` (bytes).
 * XS runs only inside a crank (one evaluate or command, plus its promise jobs); the host
 * delivers socket events and timer expiries as commands.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface XsnapMeter {
  readonly currentHeapCount: number;
  readonly compute: number;
  /** Bytes the machine has allocated for its heaps. */
  readonly allocate: number;
}

export interface XsnapReply {
  readonly reply: Uint8Array;
  readonly meter: XsnapMeter | undefined;
}

export type XsnapQueryHandler = (request: Uint8Array) => Uint8Array;

const OK = 0x2e; // '.'
const ERROR = 0x21; // '!'
const QUERY = 0x3f; // '?'

export class XsnapWorker {
  private readonly child: ChildProcess;
  private readonly toWorker: Writable;
  private input: Buffer = Buffer.alloc(0);
  private waiting: { resolve(r: XsnapReply): void; reject(e: Error): void } | undefined;
  private baton: Promise<unknown> = Promise.resolve();
  private exited: Error | undefined;
  stderr = '';

  /** `onQuery` answers the worker's issueCommand() synchronously (from the worker's point of view). */
  constructor(binary: string, private readonly onQuery: XsnapQueryHandler) {
    this.child = spawn(binary, ['microtls-xsnap'], { stdio: ['ignore', 'inherit', 'pipe', 'pipe', 'pipe'] });
    this.toWorker = this.child.stdio[3] as Writable;
    (this.child.stdio[2] as Readable).on('data', (d: Buffer) => { this.stderr += d.toString(); });
    (this.child.stdio[4] as Readable).on('data', (d: Buffer) => this.onBytes(d));
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`xsnap exited (${signal ?? code})${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
      this.waiting?.reject(this.exited);
      this.waiting = undefined;
    });
  }

  /** Evaluates a script (global code) in the worker. */
  evaluate(code: string): Promise<XsnapReply> {
    return this.send(Buffer.concat([Buffer.from('e'), Buffer.from(code, 'utf8')]));
  }

  /** Calls the worker's handleCommand with these bytes; resolves with what it returned. */
  command(message: Uint8Array | string): Promise<XsnapReply> {
    const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message);
    return this.send(Buffer.concat([Buffer.from('?'), body]));
  }

  /** The worker's process id (its CPU time is in /proc/PID/schedstat). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.toWorker.on('error', () => { /* the worker exits on its own once its input ends */ });
    this.toWorker.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(t);
  }

  private send(frame: Buffer): Promise<XsnapReply> {
    const run = this.baton.then(() => new Promise<XsnapReply>((resolve, reject) => {
      if (this.exited) return reject(this.exited);
      if (this.toWorker.writableEnded) return reject(new Error('xsnap worker closed'));
      this.waiting = { resolve, reject };
      this.writeNetstring(frame);
    }));
    this.baton = run.catch(() => undefined);
    return run;
  }

  private writeNetstring(payload: Buffer): void {
    if (this.toWorker.writableEnded) return;
    this.toWorker.write(Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(',')]));
  }

  private onBytes(chunk: Buffer): void {
    this.input = this.input.length ? Buffer.concat([this.input, chunk]) : chunk;
    for (;;) {
      const colon = this.input.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.input.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(length)) throw new Error(`xsnap protocol error: bad netstring length`);
      if (this.input.length < colon + 1 + length + 1) return;
      const message = this.input.subarray(colon + 1, colon + 1 + length);
      this.input = this.input.subarray(colon + 2 + length);
      this.onMessage(Buffer.from(message));
    }
  }

  private onMessage(message: Buffer): void {
    const kind = message[0];
    if (kind === QUERY) {
      let answer: Uint8Array;
      try {
        answer = this.onQuery(message.subarray(1));
      } catch (e) {
        answer = Buffer.from(JSON.stringify({ hostError: String(e) }));
      }
      this.writeNetstring(Buffer.concat([Buffer.from('/'), Buffer.from(answer)]));
      return;
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    if (kind === OK) {
      const sep = message.indexOf(1, 1);
      const meter = sep >= 0 ? JSON.parse(message.subarray(1, sep).toString('utf8')) as XsnapMeter : undefined;
      waiting.resolve({ reply: new Uint8Array(message.subarray(sep >= 0 ? sep + 1 : 1)), meter });
    } else if (kind === ERROR) {
      waiting.reject(new Error(`uncaught in xsnap: ${message.subarray(1).toString('utf8')}`));
    } else {
      waiting.reject(new Error(`xsnap protocol error: message kind ${String(kind)}`));
    }
  }
}
