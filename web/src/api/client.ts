/**
 * The one fetch wrapper of the web app: same-origin, JSON, the session cookie, the `X-CSRF-Token` header on
 * every write, and the API's error envelope `{ error: { code, message, details } }` turned into an
 * `ApiError` whose field errors the forms show next to their inputs.
 */

export interface FieldError {
  path: string;
  message: string;
  in?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly requestId: string | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown>,
    requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }

  /** `details.fields` keyed by the body property they name (`/email` → `email`, `/a/0` → `a`). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const fields = Array.isArray(this.details.fields) ? (this.details.fields as FieldError[]) : [];
    for (const f of fields) {
      const key = f.path.replace(/^\//, '').split('/')[0] || '_';
      out[key] ??= f.message.charAt(0).toUpperCase() + f.message.slice(1);
    }
    return out;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;
let viewAsGrant: string | null = null;

/**
 * While staff view a partner's portal, every API request (except sign-in/session and ending the view) carries
 * the view-as marker; the server answers as the partner, read-only.
 */
export function setViewAsGrant(grantId: string | null): void {
  viewAsGrant = grantId;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401 UNAUTHENTICATED (the session ended): the app returns to sign-in. */
export function setOnUnauthenticated(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

type Expect = 'json' | 'file';

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { expect?: Expect; contentType?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: opts.expect === 'file' ? '*/*' : 'application/json' };
  const isForm = body instanceof FormData;
  if (body !== undefined && !isForm) headers['content-type'] = opts.contentType ?? 'application/json';
  const payload =
    body === undefined ? undefined : isForm || opts.contentType ? (body as BodyInit) : JSON.stringify(body);
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (viewAsGrant && !path.startsWith('/auth/') && !path.startsWith('/view-as/'))
    headers['x-consort-view-as'] = viewAsGrant;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(payload !== undefined ? { body: payload } : {}),
    });
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      'The server cannot be reached. Check your connection and retry.',
      {},
      null,
    );
  }
  const requestId = res.headers.get('x-request-id');
  if (res.status === 204) return undefined as T;
  if (res.ok && opts.expect === 'file') {
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download';
    return { blob: await res.blob(), filename } as T;
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
      ?.error;
    const apiError = new ApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? `The server answered ${res.status}.`,
      err?.details ?? {},
      requestId,
    );
    if (apiError.code === 'UNAUTHENTICATED' && onUnauthenticated) onUnauthenticated();
    throw apiError;
  }
  return json as T;
}

export const http = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  /** A GET answering with a file (CSV reports): the bytes and the server's file name. */
  getFile: (path: string, query?: Query) =>
    request<DownloadedFile>('GET', withQuery(path, query), undefined, { expect: 'file' }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  /** multipart/form-data (document uploads); the browser sets the boundary. */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, form),
  delete: <T>(path: string) => request<T>('DELETE', path),
  /** A POST answering with a file (exports): the bytes and the server's file name. */
  postFile: (path: string, body: unknown) => request<DownloadedFile>('POST', path, body, { expect: 'file' }),
  /** A POST of a CSV body (Content-Type: text/csv). */
  postText: <T>(path: string, text: string) => request<T>('POST', path, text, { contentType: 'text/csv' }),
};

/** Saves a downloaded file through a temporary object URL. */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A message for people: the API's own message, plus the request id for support on server errors. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    return err.status >= 500 && err.requestId ? `${err.message} (request ${err.requestId})` : err.message;
  }
  return err instanceof Error ? err.message : 'Something went wrong.';
}
