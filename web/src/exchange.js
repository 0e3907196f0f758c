// The browser side of the encrypted exchange (core/p1/device/web/secure_exchange.h).
// The passkey is stretched once per login into a long-term key
// K = PBKDF2-HMAC-SHA256(passkey, kdf_salt, ITERATIONS), with the salt the
// server sends in every nonce reply (a new one each time p1bridge starts).
// Each request is sealed with ChaCha20-Poly1305 under HKDF-SHA256(K, fresh
// salt, "p1bridge web v2"), with the server's single-use nonce as additional
// data; the response is sealed the same way with the request's nonce.
// WebCrypto is not available on plain-HTTP LAN addresses, so the audited
// @noble libraries do the cryptography.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { pbkdf2, pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';

export const INFO = 'p1bridge web v2';
// Fixed here, never taken from the server: a forged nonce reply asking for
// one iteration would otherwise make the page seal under a cheap key.
// Equals kPasskeyIterations in secure_exchange.h.
export const ITERATIONS = 10000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

// K from the passkey: the slow step, once per login.
export function deriveLongTermKey(passkey, kdfSalt) {
  return pbkdf2(sha256, encoder.encode(passkey), kdfSalt, { c: ITERATIONS, dkLen: 32 });
}

// The same without freezing the page while it runs.
export function deriveLongTermKeyAsync(passkey, kdfSalt) {
  return pbkdf2Async(sha256, encoder.encode(passkey), kdfSalt, { c: ITERATIONS, dkLen: 32, asyncTick: 10 });
}

// The key of one message: cheap.
export function deriveKey(longTermKey, salt) {
  return hkdf(sha256, longTermKey, salt, encoder.encode(INFO), 32);
}

// Seals `text` (a string) under K; salt and iv may be given for test vectors.
export function seal(longTermKey, aad, text, salt = randomBytes(16), iv = randomBytes(12)) {
  const sealed = chacha20poly1305(deriveKey(longTermKey, salt), iv, aad).encrypt(encoder.encode(text));
  return {
    salt: toHex(salt),
    iv: toHex(iv),
    data: toHex(sealed.subarray(0, sealed.length - 16)),
    tag: toHex(sealed.subarray(sealed.length - 16)),
  };
}

// Opens a sealed message; throws if the key or anything sealed differs.
export function open(longTermKey, aad, message) {
  const sealed = new Uint8Array([...fromHex(message.data), ...fromHex(message.tag)]);
  const plain = chacha20poly1305(deriveKey(longTermKey, fromHex(message.salt)), fromHex(message.iv), aad).decrypt(sealed);
  return decoder.decode(plain);
}

// A logged-in page: the passkey, and K for the server's current salt. K is
// derived again only when the salt changes (p1bridge restarted).
export class Session {
  constructor(passkey) {
    this.passkey = passkey;
    this.kdfSalt = null;
    this.key = null;
    this.derivations = 0;
  }

  keyFor(kdfSaltHex) {
    if (kdfSaltHex !== this.kdfSalt) {
      this.kdfSalt = kdfSaltHex;
      this.derivations += 1;
      this.key = deriveLongTermKeyAsync(this.passkey, fromHex(kdfSaltHex));
    }
    return this.key;
  }

  // One call: fetch a nonce, seal the request, open the response.
  async call(request, fetcher = fetch) {
    const nonceReply = await fetcher('/api/nonce', { cache: 'no-store' });
    const { nonce, kdf_salt: kdfSalt } = await nonceReply.json();
    if (typeof kdfSalt !== 'string') throw new Error('p1bridge is older than this page (no kdf_salt)');
    const key = await this.keyFor(kdfSalt);
    const aad = fromHex(nonce);
    const body = JSON.stringify({ nonce, ...seal(key, aad, JSON.stringify(request)) });
    const reply = await fetcher('/api/call', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    const json = await reply.json();
    if (!reply.ok) {
      const error = new Error(json.error || `HTTP ${reply.status}`);
      error.status = reply.status;
      error.retryAfter = json.retry_after;
      throw error;
    }
    return JSON.parse(open(key, aad, json));
  }
}
