import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/guard.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import { documentStorageFor } from './document-storage.js';
import { DOCUMENT_TYPES, type DocumentRow, type DocumentType, saveDocument } from './document-store.js';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a multipart upload (fields `type`, optional `expiresOn`, then one `file`) and stores it for the
 * partner. Oversize files are 413, content that is not PDF/PNG/JPEG/WebP is 415, path-like names are 400;
 * in every refusal nothing is stored.
 */
export async function receiveDocumentUpload(
  s: Services,
  req: FastifyRequest,
  partnerId: string,
): Promise<DocumentRow> {
  if (!req.isMultipart())
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the document as multipart/form-data with a "file" part.',
    );
  const fields: Record<string, string> = {};
  let file: { name: string; bytes: Buffer } | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (file) throw new AppError('VALIDATION_FAILED', 'Send one file per upload.');
        const bytes = await part.toBuffer();
        file = { name: part.filename, bytes };
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('PAYLOAD_TOO_LARGE', `The file exceeds ${s.config.documents.maxBytes} bytes.`, {
        maxBytes: s.config.documents.maxBytes,
        fields: [{ path: '/file', message: `larger than ${s.config.documents.maxBytes} bytes`, in: 'body' }],
      });
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
      throw new AppError('VALIDATION_FAILED', 'Too many parts: send one file with its type and expiry.');
    throw err;
  }
  const problems = [];
  if (!file) problems.push({ path: '/file', message: 'is required', in: 'body' });
  const type = fields.type;
  if (!type || !(DOCUMENT_TYPES as readonly string[]).includes(type))
    problems.push({ path: '/type', message: `must be one of ${DOCUMENT_TYPES.join(', ')}`, in: 'body' });
  const expiresOn = fields.expiresOn || null;
  if (expiresOn && (!DATE_RE.test(expiresOn) || Number.isNaN(Date.parse(expiresOn))))
    problems.push({ path: '/expiresOn', message: 'must be a date YYYY-MM-DD', in: 'body' });
  if (problems.length || !file) throw new AppError('VALIDATION_FAILED', undefined, { fields: problems });
  return saveDocument(
    s,
    documentStorageFor(s.config, s.logger),
    actorOf(req),
    { partnerId, type: type as DocumentType, fileName: file.name, bytes: file.bytes, expiresOn },
    s.config.documents.maxBytes,
  );
}
