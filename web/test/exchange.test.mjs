// The JavaScript half of the exchange against the vectors the C++ tests use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { seal, open, fromHex, toHex, deriveKey } from '../src/exchange.js';

const vector = JSON.parse(readFileSync(new URL('../../testdata/web-exchange-vector.json', import.meta.url)));

test('RFC 8439 ChaCha20-Poly1305 vector', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
  const text = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
  const out = chacha20poly1305(key, fromHex('070000004041424344454647'), fromHex('50515253c0c1c2c3c4c5c6c7'))
    .encrypt(new TextEncoder().encode(text));
  assert.equal(toHex(out.subarray(out.length - 16)), '1ae10b594f09e26a7e902ecbd0600691');
  assert.equal(toHex(out.subarray(0, 16)), 'd31a8d34648e60db7b86afbc53ef7ec2');
});

test('RFC 5869 HKDF-SHA256 case 1', () => {
  const okm = hkdf(sha256, new Uint8Array(22).fill(0x0b), fromHex('000102030405060708090a0b0c'), fromHex('f0f1f2f3f4f5f6f7f8f9'), 42);
  assert.equal(toHex(okm), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
});

test('exchange vector (computed independently, also checked by the C++ backends)', () => {
  assert.equal(toHex(deriveKey(vector.passkey, fromHex(vector.salt))), vector.key);
  const sealed = seal(vector.passkey, fromHex(vector.aad), vector.plaintext, fromHex(vector.salt), fromHex(vector.iv));
  assert.equal(sealed.data, vector.ciphertext);
  assert.equal(sealed.tag, vector.tag);
  assert.equal(open(vector.passkey, fromHex(vector.aad), sealed), vector.plaintext);
});

test('wrong passkey, other nonce, changed byte: all refused', () => {
  const sealed = seal('passkey-1', fromHex('00'.repeat(16)), '{"op":"values"}');
  assert.throws(() => open('passkey-2', fromHex('00'.repeat(16)), sealed));
  assert.throws(() => open('passkey-1', fromHex('01'.repeat(16)), sealed));
  const changed = { ...sealed, data: (sealed.data[0] === '0' ? '1' : '0') + sealed.data.slice(1) };
  assert.throws(() => open('passkey-1', fromHex('00'.repeat(16)), changed));
});

test('every message gets a fresh salt and iv', () => {
  const a = seal('k', fromHex('00'), 'same');
  const b = seal('k', fromHex('00'), 'same');
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.iv, b.iv);
  assert.notEqual(a.data, b.data);
});
