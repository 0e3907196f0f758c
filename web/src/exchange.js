// The browser side of the encrypted exchange (core/p1/web/secure_exchange.h):
// each request is sealed with ChaCha20-Poly1305 under HKDF-SHA256(passkey,
// fresh salt, "p1bridge web v1"), with the server's single-use nonce as
// additional data; the response is sealed the same way with the request's
// nonce. WebCrypto is not available on plain-HTTP LAN addresses, so the
// audited @noble libraries do the cryptography.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';

export const INFO = 'p1bridge web v1';
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

export function deriveKey(passkey, salt) {
  return hkdf(sha256, encoder.encode(passkey), salt, encoder.encode(INFO), 32);
}

// Seals `text` (a string); salt and iv may be given for test vectors.
export function seal(passkey, aad, text, salt = randomBytes(16), iv = randomBytes(12)) {
  const sealed = chacha20poly1305(deriveKey(passkey, salt), iv, aad).encrypt(encoder.encode(text));
  return {
    salt: toHex(salt),
    iv: toHex(iv),
    data: toHex(sealed.subarray(0, sealed.length - 16)),
    tag: toHex(sealed.subarray(sealed.length - 16)),
  };
}

// Opens a sealed message; throws if the passkey or anything sealed differs.
export function open(passkey, aad, message) {
  const sealed = new Uint8Array([...fromHex(message.data), ...fromHex(message.tag)]);
  const plain = chacha20poly1305(deriveKey(passkey, fromHex(message.salt)), fromHex(message.iv), aad).decrypt(sealed);
  return decoder.decode(plain);
}

// One call: fetch a nonce, seal the request, open the response.
export async function call(passkey, request, fetcher = fetch) {
  const nonceReply = await fetcher('/api/nonce', { cache: 'no-store' });
  const { nonce } = await nonceReply.json();
  const aad = fromHex(nonce);
  const body = JSON.stringify({ nonce, ...seal(passkey, aad, JSON.stringify(request)) });
  const reply = await fetcher('/api/call', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  const json = await reply.json();
  if (!reply.ok) {
    const error = new Error(json.error || `HTTP ${reply.status}`);
    error.status = reply.status;
    error.retryAfter = json.retry_after;
    throw error;
  }
  return JSON.parse(open(passkey, aad, json));
}
