// The JavaScript half of the exchange against the vectors the C++ tests use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  seal, open, fromHex, toHex, deriveKey, deriveLongTermKey, deriveLongTermKeyAsync, Session, INFO, ITERATIONS,
} from '../src/exchange.js';

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

test('RFC 7914 PBKDF2-HMAC-SHA256 vector', () => {
  const out = pbkdf2(sha256, 'passwd', 'salt', { c: 1, dkLen: 64 });
  assert.equal(toHex(out), '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783');
});

test('exchange vector (computed independently, also checked by the C++ backends)', async () => {
  assert.equal(INFO, vector.info);
  assert.equal(ITERATIONS, vector.iterations);
  const longTermKey = deriveLongTermKey(vector.passkey, fromHex(vector.kdf_salt));
  assert.equal(toHex(longTermKey), vector.long_term_key);
  assert.equal(toHex(await deriveLongTermKeyAsync(vector.passkey, fromHex(vector.kdf_salt))), vector.long_term_key);
  assert.equal(toHex(deriveKey(longTermKey, fromHex(vector.salt))), vector.key);
  const sealed = seal(longTermKey, fromHex(vector.aad), vector.plaintext, fromHex(vector.salt), fromHex(vector.iv));
  assert.equal(sealed.data, vector.ciphertext);
  assert.equal(sealed.tag, vector.tag);
  assert.equal(open(longTermKey, fromHex(vector.aad), sealed), vector.plaintext);
});

test('wrong key, other nonce, changed byte: all refused', () => {
  const k1 = deriveLongTermKey('passkey-1', new Uint8Array(16));
  const k2 = deriveLongTermKey('passkey-2', new Uint8Array(16));
  const sealed = seal(k1, fromHex('00'.repeat(16)), '{"op":"values"}');
  assert.throws(() => open(k2, fromHex('00'.repeat(16)), sealed));
  assert.throws(() => open(k1, fromHex('01'.repeat(16)), sealed));
  const changed = { ...sealed, data: (sealed.data[0] === '0' ? '1' : '0') + sealed.data.slice(1) };
  assert.throws(() => open(k1, fromHex('00'.repeat(16)), changed));
  // The same passkey under another PBKDF2 salt is another key.
  assert.notEqual(toHex(deriveLongTermKey('passkey-1', new Uint8Array(16).fill(1))), toHex(k1));
});

test('every message gets a fresh salt and iv', () => {
  const k = deriveLongTermKey('k', new Uint8Array(16));
  const a = seal(k, fromHex('00'), 'same');
  const b = seal(k, fromHex('00'), 'same');
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.iv, b.iv);
  assert.notEqual(a.data, b.data);
});

// A stand-in server with the vector's passkey: answers each call with the
// request's op, sealed under K for its current PBKDF2 salt.
function fakeServer(passkey) {
  const server = { kdfSalt: vector.kdf_salt, nonces: 0 };
  server.fetch = async (path, options = {}) => {
    const key = deriveLongTermKey(passkey, fromHex(server.kdfSalt));
    if (path === '/api/nonce') {
      server.nonces += 1;
      const nonce = server.nonces.toString(16).padStart(32, '0');
      server.last = nonce;
      return { ok: true, json: async () => ({ nonce, kdf_salt: server.kdfSalt }) };
    }
    const request = JSON.parse(options.body);
    const aad = fromHex(request.nonce);
    const plain = JSON.parse(open(key, aad, request));
    return { ok: true, json: async () => seal(key, aad, JSON.stringify({ echo: plain.op })) };
  };
  return server;
}

test('a session stretches the passkey once per server salt, not per call', async () => {
  const server = fakeServer(vector.passkey);
  const session = new Session(vector.passkey);
  assert.deepEqual(await session.call({ op: 'login' }, server.fetch), { echo: 'login' });
  for (let i = 0; i < 5; i++) assert.deepEqual(await session.call({ op: 'values' }, server.fetch), { echo: 'values' });
  assert.equal(session.derivations, 1);
  // p1bridge restarted: a new salt, derived once more.
  server.kdfSalt = '11'.repeat(16);
  assert.deepEqual(await session.call({ op: 'values' }, server.fetch), { echo: 'values' });
  await session.call({ op: 'values' }, server.fetch);
  assert.equal(session.derivations, 2);
});

test('a server without a PBKDF2 salt (protocol v1) is refused, not guessed at', async () => {
  const session = new Session('x');
  const old = async () => ({ ok: true, json: async () => ({ nonce: '00'.repeat(16) }) });
  await assert.rejects(session.call({ op: 'login' }, old), /kdf_salt/);
});
