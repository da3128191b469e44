/** RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key derivation), byte for byte. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AesCm, srtpIv } from '../../../firmware/security/aes-cm.js';
import { deriveSessionKey, deriveSrtpSessionKeys, KDF_LABEL, kdfIv } from '../../../firmware/security/srtp-kdf.js';
import { AES_CM_128_HMAC_SHA1_80 } from '../../../firmware/security/srtp-suites.js';
import { SrtpKeyError } from '../../../firmware/security/srtp-errors.js';
import { hex } from './support.js';

// B.2
const B2_KEY = hex('2B7E151628AED2A6ABF7158809CF4F3C');
const B2_SALT = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');
const B2_BLOCKS: Array<[number, string]> = [
  [0x0000, 'E03EAD0935C95E80E166B16DD92B4EB4'],
  [0x0001, 'D23513162B02D0F72A43A2FE4A5F97AB'],
  [0x0002, '41E95B3BB0A2E8DD477901E4FCA894C0'],
  [0xfeff, 'EC8CDF7398607CB0F2D21675EA9EA1E4'],
  [0xff00, '362B7C3C6773516318A077D7FC5073AE'],
  [0xff01, '6A2CC3787889374FBEB4C81B17BA6C44'],
];

test('B.2: the packet IV for ROC 0, SEQ 0, SSRC 0 is the salt shifted left 16 bits', () => {
  const iv = srtpIv(Buffer.alloc(16), B2_SALT, 0, 0);
  assert.is(Buffer.from(iv).toString('hex'), 'f0f1f2f3f4f5f6f7f8f9fafbfcfd0000');
});

test('B.2: the 1,044,512-byte keystream segment matches every listed block', () => {
  const iv = srtpIv(Buffer.alloc(16), B2_SALT, 0, 0);
  const ks = new AesCm(B2_KEY).keystream(iv, 0xff02 * 16);
  assert.is(ks.length, 1044512);
  for (const [block, expected] of B2_BLOCKS) {
    assert.is(ks.subarray(block * 16, block * 16 + 16).toString('hex'), expected.toLowerCase(), `block ${block.toString(16)}`);
  }
});

test('B.2: keystream XOR is in-place safe and a partial block is the prefix of the full one', () => {
  const iv = srtpIv(Buffer.alloc(16), B2_SALT, 0, 0);
  const aes = new AesCm(B2_KEY);
  const data = Buffer.alloc(21, 0x5a);
  aes.xor(iv, data, 0, data, 0, data.length);
  const ks = aes.keystream(iv, 21);
  for (let i = 0; i < 21; i++) assert.is(data[i], (ks[i] as number) ^ 0x5a);
  assert.is(ks.subarray(0, 16).toString('hex'), (B2_BLOCKS[0] as [number, string])[1].toLowerCase());
});

test('SSRC and index land in the IV where RFC 3711 §4.1.1 puts them', () => {
  const iv = srtpIv(Buffer.alloc(16), Buffer.alloc(14), 0xdeadbeef, 0x123456789abc);
  assert.is(iv.toString('hex'), '00000000deadbeef123456789abc0000');
});

// B.3
const MASTER = { key: hex('E1F97A0D3E018BE0D64FA32C06DE4139'), salt: hex('0EC675AD498AFEEBB6960B3AABE6') };

test('B.3: KDF IVs for labels 0, 2, 1 (kdr 0, index 0): the label sits at byte 7', () => {
  assert.is(kdfIv(MASTER.salt, KDF_LABEL.srtpEncryption).toString('hex'), '0ec675ad498afeebb6960b3aabe60000');
  assert.is(kdfIv(MASTER.salt, KDF_LABEL.srtpSalt).toString('hex'), '0ec675ad498afee9b6960b3aabe60000');
  assert.is(kdfIv(MASTER.salt, KDF_LABEL.srtpAuth).toString('hex'), '0ec675ad498afeeab6960b3aabe60000');
});

test('B.3: cipher key, cipher salt and the full 94-byte auth key stream', () => {
  assert.is(deriveSessionKey(MASTER, KDF_LABEL.srtpEncryption, 16).toString('hex'), 'c61e7a93744f39ee10734afe3ff7a087');
  assert.is(deriveSessionKey(MASTER, KDF_LABEL.srtpSalt, 14).toString('hex'), '30cbbc08863d8c85d49db34a9ae1');
  // The RFC also prints the whole AES-CM output block the 14-byte salt is cut from.
  assert.is(deriveSessionKey(MASTER, KDF_LABEL.srtpSalt, 16).toString('hex'), '30cbbc08863d8c85d49db34a9ae17ac6');
  const auth =
    'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE' +
    'E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25' +
    '6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2';
  assert.is(deriveSessionKey(MASTER, KDF_LABEL.srtpAuth, 94).toString('hex'), auth.toLowerCase());
});

test('B.3: deriveSrtpSessionKeys gives the suite-sized keys, and SRTCP keys differ from SRTP ones', () => {
  const k = deriveSrtpSessionKeys(MASTER, AES_CM_128_HMAC_SHA1_80);
  assert.is(k.rtp.encryptionKey.toString('hex'), 'c61e7a93744f39ee10734afe3ff7a087');
  assert.is(k.rtp.salt.toString('hex'), '30cbbc08863d8c85d49db34a9ae1');
  assert.is(k.rtp.authKey.toString('hex'), 'cebe321f6ff7716b6fd4ab49af256a156d38baa4');
  assert.is(k.rtcp.encryptionKey.length, 16);
  assert.is(k.rtcp.authKey.length, 20);
  assert.is(k.rtcp.salt.length, 14);
  assert.is.not(k.rtcp.encryptionKey.toString('hex'), k.rtp.encryptionKey.toString('hex'));
  assert.is(k.rtcp.encryptionKey.toString('hex'), deriveSessionKey(MASTER, KDF_LABEL.srtcpEncryption, 16).toString('hex'));
});

test('a nonzero key derivation rate feeds r = index DIV kdr into the IV', () => {
  const a = deriveSessionKey(MASTER, 0, 16, 5, 4); // r = 1
  const b = deriveSessionKey(MASTER, 0, 16, 7, 4); // r = 1
  const c = deriveSessionKey(MASTER, 0, 16, 8, 4); // r = 2
  assert.is(a.toString('hex'), b.toString('hex'));
  assert.is.not(a.toString('hex'), c.toString('hex'));
  assert.is.not(a.toString('hex'), 'c61e7a93744f39ee10734afe3ff7a087');
});

test('wrong key or salt lengths are refused with srtp-bad-key', () => {
  assert.throws(() => new AesCm(Buffer.alloc(15)), (e: unknown) => e instanceof SrtpKeyError && e.code === 'srtp-bad-key');
  assert.throws(
    () => deriveSrtpSessionKeys({ key: MASTER.key, salt: Buffer.alloc(12) }, AES_CM_128_HMAC_SHA1_80),
    (e: unknown) => e instanceof SrtpKeyError && e.code === 'srtp-bad-key',
  );
});

test.run();
