/** A multipart/form-data body of files, each under the field name "file", as the upload routes take them. */
import { randomBytes } from 'node:crypto';

export interface UploadFile {
  filename: string;
  type: string;
  data: Buffer;
}

export function multipart(files: UploadFile[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kaohe${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
