import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LegacyError } from '../protocol/legacy-error';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals the systems' HMAC secrets at rest: AES-256-GCM under a 32-byte key from configuration,
 * with the system id and secret id as additional data, so a sealed secret copied onto another
 * system's record does not open. Text form: `v1.<iv>.<tag>.<ciphertext>`, each base64url.
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new LegacyError('LEGACY.INVALID_PARAMETER', `the secret key must be 32 bytes, got ${key.length}`);
    this.key = Buffer.from(key);
  }

  /** A key given as 64 hex digits or as base64 / base64url of 32 bytes. */
  static fromText(text: string): SecretCipher {
    const t = text.trim();
    return new SecretCipher(/^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64'));
  }

  seal(secret: string, systemId: string, secretId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${systemId}\n${secretId}`, 'utf8'));
    const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** The secret, or undefined when the text is not one this key sealed for this system and id. */
  open(sealed: string, systemId: string, secretId: string): string | undefined {
    const [version, iv, tag, ct, ...rest] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ct === undefined || rest.length > 0) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${systemId}\n${secretId}`, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** A new secret: 32 random bytes as base64url (43 ASCII characters, safe in any header). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
