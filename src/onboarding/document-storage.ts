import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logging.js';

/** Where partner documents live. Keys are server-generated (`<partnerId>/<documentId>`), never file names. */
export interface DocumentStorage {
  put(key: string, plaintext: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

const KEY_RE = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;
const MAGIC = Buffer.from('CSD1');

function checkKey(key: string): void {
  if (!KEY_RE.test(key)) throw new Error(`invalid document storage key ${JSON.stringify(key)}`);
}

/** AES-256-GCM: file = "CSD1" ‖ 12-byte IV ‖ 16-byte tag ‖ ciphertext; the storage key is the associated data. */
export function encryptDocument(key: Buffer, storageKey: string, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(storageKey));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
}

export function decryptDocument(key: Buffer, storageKey: string, blob: Buffer): Buffer {
  if (!blob.subarray(0, 4).equals(MAGIC)) throw new Error('not a Consort encrypted document');
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(4, 16));
  d.setAAD(Buffer.from(storageKey));
  d.setAuthTag(blob.subarray(16, 32));
  return Buffer.concat([d.update(blob.subarray(32)), d.final()]);
}

/** Encrypted files under a folder (by default `<data dir>/documents`). */
export class EncryptedFileStorage implements DocumentStorage {
  constructor(
    private readonly dir: string,
    private readonly key: Buffer,
  ) {}

  private file(key: string): string {
    checkKey(key);
    const f = path.resolve(this.dir, `${key}.bin`);
    if (!f.startsWith(path.resolve(this.dir) + path.sep)) throw new Error('document key escapes the folder');
    return f;
  }

  async put(key: string, plaintext: Buffer): Promise<void> {
    const f = this.file(key);
    await fs.mkdir(path.dirname(f), { recursive: true, mode: 0o700 });
    const tmp = `${f}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, encryptDocument(this.key, key, plaintext), { mode: 0o600 });
    await fs.rename(tmp, f);
  }

  async get(key: string): Promise<Buffer> {
    return decryptDocument(this.key, key, await fs.readFile(this.file(key)));
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
  }
}

/** The document key from configuration, or (demo, development, tests) one derived from the folder, with a warning. */
export function documentKeyFrom(config: Config, logger: Logger): Buffer {
  const given = config.documents.key;
  if (given) {
    const key = Buffer.from(given, 'base64');
    if (key.length !== 32) throw new Error('CONSORT_DOCUMENT_KEY must be the base64 of exactly 32 bytes');
    return key;
  }
  logger.warn(
    'CONSORT_DOCUMENT_KEY is not set: partner documents are encrypted with a development key derived from the data folder; set a key in production',
  );
  return createHash('sha256').update(`consort-dev-document-key:${config.documents.dir}`).digest();
}

const storages = new WeakMap<Config, DocumentStorage>();

/** The document storage for a configuration (one per process and configuration). */
export function documentStorageFor(config: Config, logger: Logger): DocumentStorage {
  let s = storages.get(config);
  if (!s) {
    s = new EncryptedFileStorage(config.documents.dir, documentKeyFrom(config, logger));
    storages.set(config, s);
  }
  return s;
}
