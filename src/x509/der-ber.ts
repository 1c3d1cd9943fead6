/**
 * The asn1js path of decodeDer (der.ts): inputs the strict decoder declines. asn1js decodes
 * BER, so every node is checked here for what DER forbids and converted to the DerNode tree.
 * Its own module so that the device bundles, which leave asn1js out, can leave this out too
 * (scripts/build-device.mjs replaces it with src/device/absent-der-ber.ts).
 */
// Must stay ahead of asn1js: it gives engines without TextDecoder the one asn1js needs at load.
import './asn1js-globals.js';
import * as asn1js from 'asn1js';
import { MicroTlsError } from '../errors.js';
import type { ErrorName } from '../errors.js';
import { minimalLengthOctets, type DerNode, type TagClass } from './der.js';

// Bounds for untrusted input: a 4 KiB certificate never needs more.
const LIMITS = { maxDepth: 32, maxNodes: 4096, parseEmbedded: false, copyInput: false } as const;

/** Exported (through der.ts) for the differential test. */
export function decodeDerAsn1js(bytes: Uint8Array, code: ErrorName, what: string): DerNode {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes, LIMITS);
  } catch (err) {
    throw new MicroTlsError(code, `${what}: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
  if (parsed.offset === -1 || parsed.result.error) {
    throw new MicroTlsError(code, `${what}: ${parsed.result.error || 'not DER'}`);
  }
  if (parsed.offset !== bytes.length) throw new MicroTlsError(code, `${what}: ${bytes.length - parsed.offset} bytes after the DER element`);
  return convert(parsed.result as asn1js.BaseBlock, code, what);
}

// Universal types whose encoding is constructed by definition: EXTERNAL (8), EMBEDDED PDV (11), SEQUENCE (16), SET (17).
const CONSTRUCTED_UNIVERSAL = new Set([8, 11, 16, 17]);

function convert(block: asn1js.BaseBlock, code: ErrorName, what: string): DerNode {
  const id = block.idBlock;
  const len = block.lenBlock;
  // BER lets strings (and times) be sent in segments, as a constructed node; DER does not
  // (X.690 10.2), and asn1js then gives the node a string-valued shape, not child blocks.
  if (id.isConstructed && id.tagClass === 1 && !CONSTRUCTED_UNIVERSAL.has(id.tagNumber)) {
    throw new MicroTlsError(code, `${what}: constructed encoding of universal type ${id.tagNumber} (BER segmented string, not DER)`);
  }
  if (len.isIndefiniteForm) throw new MicroTlsError(code, `${what}: indefinite length (BER, not DER)`);
  if (len.longFormUsed && (len.length < 128 || len.blockLength - 1 > minimalLengthOctets(len.length))) {
    throw new MicroTlsError(code, `${what}: non-minimal length encoding`);
  }
  const raw = block.valueBeforeDecodeView;
  const headerLength = id.blockLength + len.blockLength;
  const value = raw.subarray(headerLength);
  if (value.length !== len.length) throw new MicroTlsError(code, `${what}: length mismatch`);
  const children: DerNode[] = [];
  if (id.isConstructed) {
    const inner = (block.valueBlock as unknown as { value?: unknown }).value ?? [];
    if (!Array.isArray(inner)) throw new MicroTlsError(code, `${what}: constructed node without elements`);
    for (const c of inner as asn1js.BaseBlock[]) children.push(convert(c, code, what));
  }
  return { cls: id.tagClass - 1 as TagClass, tag: id.tagNumber, constructed: id.isConstructed, raw, value, children };
}
