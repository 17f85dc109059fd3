/**
 * A `multipart/form-data` reader for the requests grammY streams (sendPhoto): fields as text,
 * files as bytes, and `attach://<name>` values resolved to the part of that name.
 */

/** One file part. */
export interface FilePart {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/** A parsed multipart body. */
export interface MultipartBody {
  readonly fields: Record<string, string>;
  readonly files: Record<string, FilePart>;
}

/**
 * Parses a multipart body.
 *
 * @throws Error when the boundary is missing or a part has no header block.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const token = boundary?.[1] ?? boundary?.[2];
  if (token === undefined) throw new Error('multipart body without a boundary');
  const delimiter = Buffer.from(`--${token}`);
  const fields: Record<string, string> = {};
  const files: Record<string, FilePart> = {};
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let part = body.subarray(start, next);
    if (part.subarray(0, 2).toString() === '\r\n') part = part.subarray(2);
    if (part.subarray(part.length - 2).toString() === '\r\n') part = part.subarray(0, part.length - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) throw new Error('multipart part without headers');
    const headers = part.subarray(0, split).toString('utf8');
    const data = part.subarray(split + 4);
    const name = /name="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    const filename = /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'text/plain';
    if (name !== undefined) {
      if (filename !== undefined) files[name] = { filename, contentType: type, data: Buffer.from(data) };
      else fields[name] = data.toString('utf8');
    }
    at = next;
  }
  return { fields, files };
}
