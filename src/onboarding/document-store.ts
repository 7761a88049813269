import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { recordPartnerEvent } from '../partners/partner-store.js';
import type { Database, DocumentTable } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import type { DocumentStorage } from './document-storage.js';

export const DOCUMENT_TYPES = [
  'identity',
  'proof_of_address',
  'company_registration',
  'bank_proof',
  'tax_form',
  'marketing_approval',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Content types accepted, decided from the bytes (never from the name or the client's header). */
export const ALLOWED_DOCUMENT_TYPES: Record<string, string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/webp': ['webp'],
};

export type DocumentRow = Selectable<DocumentTable>;

export function documentView(d: DocumentRow) {
  return {
    id: d.id,
    partnerId: d.partner_id,
    type: d.type,
    fileName: d.file_name,
    mime: d.mime,
    sizeBytes: Number(d.size_bytes),
    sha256: d.sha256,
    expiresOn: d.expires_on,
    reviewStatus: d.review_status,
    reviewNote: d.review_note,
    reviewedAt: d.reviewed_at?.toISOString() ?? null,
    createdAt: d.created_at.toISOString(),
    erased: d.erased_at !== null,
  };
}

/**
 * A safe display name for an uploaded file, or a 400: no folders, no `..`, no control characters. The
 * name is only shown to people; storage uses a server-generated key.
 */
export function checkFileName(name: string): string {
  const bad = (message: string) =>
    new AppError('VALIDATION_FAILED', `The file name is not acceptable: ${message}.`, {
      fields: [{ path: '/file', message: `file name ${message}`, in: 'body' }],
    });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) throw bad('contains control characters');
  if (name.includes('/') || name.includes('\\')) throw bad('must not contain a path (/ or \\)');
  if (name.split(/[/\\]/).some((p) => p === '..' || p === '.') || name.startsWith('..'))
    throw bad('must not contain ..');
  if (path.isAbsolute(name) || /^[A-Za-z]:/.test(name)) throw bad('must not be an absolute path');
  const trimmed = name.trim();
  if (!trimmed) throw bad('is empty');
  if (trimmed.length > 200) throw bad('is longer than 200 characters');
  return trimmed;
}

export interface UploadInput {
  partnerId: string;
  type: DocumentType;
  fileName: string;
  bytes: Buffer;
  expiresOn: string | null;
}

/**
 * Stores an uploaded document: the content type is sniffed from the bytes (PDF, PNG, JPEG, WebP) and must
 * agree with the file name's extension; the bytes are encrypted at rest; the row records the size and the
 * SHA-256. On any failure nothing is stored.
 */
export async function saveDocument(
  services: Pick<Services, 'db' | 'clock' | 'auditChainer'>,
  storage: DocumentStorage,
  actor: Actor,
  input: UploadInput,
  maxBytes: number,
): Promise<DocumentRow> {
  const fileName = checkFileName(input.fileName);
  if (input.bytes.length === 0)
    throw new AppError('VALIDATION_FAILED', 'The file is empty.', {
      fields: [{ path: '/file', message: 'is empty', in: 'body' }],
    });
  if (input.bytes.length > maxBytes)
    throw new AppError('PAYLOAD_TOO_LARGE', `The file exceeds ${maxBytes} bytes.`, { maxBytes });
  const sniffed = await fileTypeFromBuffer(input.bytes);
  const allowed = sniffed ? ALLOWED_DOCUMENT_TYPES[sniffed.mime] : undefined;
  if (!sniffed || !allowed)
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `The file content is ${sniffed ? sniffed.mime : 'not a recognised type'}; accepted: PDF, PNG, JPEG, WebP.`,
      { detected: sniffed?.mime ?? null, accepted: Object.keys(ALLOWED_DOCUMENT_TYPES) },
    );
  const ext = path.extname(fileName).slice(1).toLowerCase();
  if (ext && !allowed.includes(ext))
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `The file is named .${ext} but its content is ${sniffed.mime}.`,
      { detected: sniffed.mime, extension: ext },
    );
  const id = uuidv7();
  const storageKey = `${input.partnerId}/${id}`;
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  await storage.put(storageKey, input.bytes);
  const now = services.clock();
  try {
    const row = await services.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto('documents')
        .values({
          id,
          partner_id: input.partnerId,
          type: input.type,
          file_name: fileName,
          mime: sniffed.mime,
          size_bytes: input.bytes.length,
          sha256,
          storage_key: storageKey,
          expires_on: input.expiresOn,
          review_status: 'pending',
          uploaded_by_type: actor.type,
          uploaded_by: actor.id,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordPartnerEvent(
        trx,
        actor,
        input.partnerId,
        'document',
        `document uploaded: ${input.type} (${fileName})`,
        { documentId: id, type: input.type, sha256 },
        now,
      );
      await appendAudit(
        trx,
        actor,
        {
          action: 'document.uploaded',
          entityType: 'document',
          entityId: id,
          after: {
            partnerId: input.partnerId,
            type: input.type,
            mime: sniffed.mime,
            sizeBytes: input.bytes.length,
            sha256,
            expiresOn: input.expiresOn,
          },
        },
        now,
      );
      return created;
    });
    services.auditChainer.kick();
    return row;
  } catch (err) {
    await storage.delete(storageKey);
    throw err;
  }
}

/** Compliance's review of a document (approve or reject, optionally setting the expiry date). */
export async function reviewDocument(
  trx: Transaction<Database>,
  actor: Actor,
  doc: DocumentRow,
  review: {
    decision: 'approved' | 'rejected';
    note: string | null;
    expiresOn?: string | null;
    userId: string;
  },
  now: Date,
): Promise<DocumentRow> {
  if (doc.erased_at) throw new AppError('CONFLICT', 'The document was erased.');
  const after = await trx
    .updateTable('documents')
    .set({
      review_status: review.decision,
      review_note: review.note,
      reviewed_by: review.userId,
      reviewed_at: now,
      ...(review.expiresOn !== undefined ? { expires_on: review.expiresOn } : {}),
    })
    .where('id', '=', doc.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordPartnerEvent(
    trx,
    actor,
    doc.partner_id,
    'document',
    `document ${review.decision}: ${doc.type}${review.note ? ` (${review.note})` : ''}`,
    { documentId: doc.id, decision: review.decision, note: review.note },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: `document.${review.decision}`,
      entityType: 'document',
      entityId: doc.id,
      before: { reviewStatus: doc.review_status, expiresOn: doc.expires_on },
      after: { reviewStatus: after.review_status, expiresOn: after.expires_on, note: review.note },
    },
    now,
  );
  return after;
}

/** Reads a document's bytes and checks them against the recorded hash. */
export async function readDocument(storage: DocumentStorage, doc: DocumentRow): Promise<Buffer> {
  if (!doc.storage_key) throw new AppError('NOT_FOUND', 'The document content was erased.');
  const bytes = await storage.get(doc.storage_key);
  if (createHash('sha256').update(bytes).digest('hex') !== doc.sha256)
    throw new Error(`document ${doc.id} does not match its recorded hash`);
  return bytes;
}
