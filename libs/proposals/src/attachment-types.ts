/**
 * Attachment types are decided by the bytes, never by the file name or the declared type.
 * OOXML documents are ZIP archives; they are told apart from a plain ZIP by the entries named in
 * the archive's central directory.
 */
export const ATTACHMENT_TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
export type AttachmentMediaType = (typeof ATTACHMENT_TYPES)[keyof typeof ATTACHMENT_TYPES];

const PDF = Buffer.from('%PDF-', 'latin1');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const ZIP_LOCAL = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN = 22;
const MAX_ZIP_COMMENT = 0xffff;

/** The media type of these bytes, or null when they are not one of the allowed types. */
export function sniffAttachmentType(bytes: Buffer): AttachmentMediaType | null {
  if (startsWith(bytes, PDF)) return ATTACHMENT_TYPES.pdf;
  if (startsWith(bytes, PNG)) return ATTACHMENT_TYPES.png;
  if (startsWith(bytes, JPEG)) return ATTACHMENT_TYPES.jpeg;
  if (startsWith(bytes, ZIP_LOCAL)) {
    const names = zipEntryNames(bytes);
    if (!names) return null; // claims to be a ZIP but its directory is unreadable
    if (names.has('[Content_Types].xml') && names.has('word/document.xml')) return ATTACHMENT_TYPES.docx;
    if (names.has('[Content_Types].xml') && names.has('xl/workbook.xml')) return ATTACHMENT_TYPES.xlsx;
    return ATTACHMENT_TYPES.zip;
  }
  return null;
}

function startsWith(bytes: Buffer, magic: Buffer): boolean {
  return bytes.length >= magic.length && bytes.subarray(0, magic.length).equals(magic);
}

/** Entry names from the central directory, or null when the archive is malformed (or ZIP64). */
export function zipEntryNames(bytes: Buffer): Set<string> | null {
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd < 0) return null;
  const entries = bytes.readUInt16LE(eocd + 10);
  const size = bytes.readUInt32LE(eocd + 12);
  const offset = bytes.readUInt32LE(eocd + 16);
  if (offset + size > eocd) return null;
  const names = new Set<string>();
  let p = offset;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > eocd || bytes.readUInt32LE(p) !== CENTRAL_SIGNATURE) return null;
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const end = p + 46 + nameLength;
    if (end > eocd) return null;
    names.add(bytes.toString('utf8', p + 46, end));
    p = end + extraLength + commentLength;
  }
  return names;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  const stop = Math.max(0, bytes.length - EOCD_MIN - MAX_ZIP_COMMENT);
  for (let i = bytes.length - EOCD_MIN; i >= stop; i--) {
    if (bytes.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  return -1;
}

/** A display name safe to store and to send back in Content-Disposition: no path, no control characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200);
  return clean || 'attachment';
}
