import { EventCodec, catalogue } from '@vdx/contracts';
import { randomBytes } from 'node:crypto';
import { issueSecret, SecretBook } from './secret-book';
import { SecretCipher } from './secret-cipher';

const key = randomBytes(32);
const cipher = new SecretCipher(key);
const t0 = new Date('2026-05-01T08:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('SecretCipher (AES-256-GCM at rest)', () => {
  it('opens what it sealed, only for the same system and secret id, and only with its key', () => {
    const sealed = cipher.seal('s3cret', 'qlvb-a', 'id-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('s3cret');
    expect(cipher.open(sealed, 'qlvb-a', 'id-1')).toBe('s3cret');
    expect(cipher.open(sealed, 'qlvb-b', 'id-1')).toBeUndefined();
    expect(cipher.open(sealed, 'qlvb-a', 'id-2')).toBeUndefined();
    expect(new SecretCipher(randomBytes(32)).open(sealed, 'qlvb-a', 'id-1')).toBeUndefined();
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(cipher.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'qlvb-a', 'id-1')).toBeUndefined();
    expect(cipher.open('v2.a.b.c', 'qlvb-a', 'id-1')).toBeUndefined();
  });

  it('takes the key as hex or base64 of exactly 32 bytes', () => {
    const sealed = cipher.seal('x', 's', 'i');
    expect(SecretCipher.fromText(key.toString('hex')).open(sealed, 's', 'i')).toBe('x');
    expect(SecretCipher.fromText(key.toString('base64')).open(sealed, 's', 'i')).toBe('x');
    expect(() => SecretCipher.fromText(randomBytes(16).toString('hex'))).toThrow(expect.objectContaining({ code: 'LEGACY.INVALID_PARAMETER' }));
  });
});

describe('SecretBook (folded from SystemSecretIssued)', () => {
  it('issues, rotates with an overlap, and ends the old secret after it', () => {
    const book = new SecretBook(cipher);
    const first = issueSecret(book, cipher, 'qlvb-a', { now: t0, overlapMs: 0, operator: 'ops' });
    expect(first.event.aggregateSeq).toBe(1);
    expect(first.event.payload.sealedSecret).not.toContain(first.secret);
    // The event survives the log's encoding.
    const codec = new EventCodec(catalogue);
    const encoded = codec.encode(first.event);
    book.apply(codec.decode(encoded.value, encoded.headers));
    expect(book.secretsOf('qlvb-a', at(1))).toEqual([first.secret]);
    expect(book.secretsOf('qlvb-b', at(1))).toEqual([]);

    const second = issueSecret(book, cipher, 'qlvb-a', { now: at(10), overlapMs: 60 * 60_000, operator: 'ops' });
    expect(second.event.aggregateSeq).toBe(2);
    book.apply(second.event);
    expect(book.secretsOf('qlvb-a', at(11)).sort()).toEqual([first.secret, second.secret].sort());
    expect(book.secretsOf('qlvb-a', at(70))).toEqual([second.secret]);

    const third = issueSecret(book, cipher, 'qlvb-a', { now: at(80), overlapMs: 0, operator: 'ops' });
    book.apply(third.event);
    expect(book.secretsOf('qlvb-a', at(80))).toEqual([third.secret]);
    // A replayed older event changes nothing.
    book.apply(second.event);
    expect(book.secretsOf('qlvb-a', at(81))).toEqual([third.secret]);
    expect(book.seqOf('qlvb-a')).toBe(3);
  });

  it('never uses a secret sealed under another key', () => {
    const other = new SecretCipher(randomBytes(32));
    const book = new SecretBook(cipher);
    book.apply(issueSecret(new SecretBook(other), other, 'qlvb-a', { now: t0, overlapMs: 0, operator: 'ops' }).event);
    expect(book.secretsOf('qlvb-a', at(1))).toEqual([]);
  });

  it('refuses a bad system id or overlap with a coded error', () => {
    const book = new SecretBook(cipher);
    expect(() => issueSecret(book, cipher, 'has space', { now: t0, overlapMs: 0, operator: 'ops' })).toThrow(expect.objectContaining({ code: 'LEGACY.INVALID_PARAMETER' }));
    expect(() => issueSecret(book, cipher, 'qlvb-a', { now: t0, overlapMs: -1, operator: 'ops' })).toThrow(expect.objectContaining({ code: 'LEGACY.INVALID_PARAMETER' }));
  });
});
