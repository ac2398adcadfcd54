import { deflateRawSync } from 'node:zlib';
import { ATTACHMENT_TYPES, cleanFileName, sniffAttachmentType, zipEntryNames } from './attachment-types';

/** A minimal but valid ZIP archive with the given entries (stored, no compression). */
function makeZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('attachment type sniffing', () => {
  it('recognises the allowed types by their bytes', () => {
    expect(sniffAttachmentType(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'))).toBe(ATTACHMENT_TYPES.pdf);
    expect(sniffAttachmentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe(
      ATTACHMENT_TYPES.png,
    );
    expect(sniffAttachmentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]))).toBe(ATTACHMENT_TYPES.jpeg);
  });

  it('tells DOCX and XLSX from a plain ZIP by the central directory', () => {
    const docx = makeZip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    const xlsx = makeZip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
    const zip = makeZip({ 'readme.txt': 'hello', 'data/word/document.xml.bak': 'x' });
    expect(zipEntryNames(docx)).toEqual(new Set(['[Content_Types].xml', 'word/document.xml']));
    expect(sniffAttachmentType(docx)).toBe(ATTACHMENT_TYPES.docx);
    expect(sniffAttachmentType(xlsx)).toBe(ATTACHMENT_TYPES.xlsx);
    expect(sniffAttachmentType(zip)).toBe(ATTACHMENT_TYPES.zip);
  });

  it('refuses executables, text and scripts whatever their name says', () => {
    expect(sniffAttachmentType(Buffer.from('MZ\x90\x00\x03\x00\x00\x00PE'))).toBeNull(); // Windows executable
    expect(sniffAttachmentType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toBeNull(); // ELF
    expect(sniffAttachmentType(Buffer.from('This is plain text, renamed to .pdf'))).toBeNull();
    expect(sniffAttachmentType(Buffer.from('#!/bin/sh\nrm -rf /'))).toBeNull();
    expect(sniffAttachmentType(Buffer.from(' %PDF-1.4'))).toBeNull(); // magic must be at the start
    expect(sniffAttachmentType(Buffer.alloc(0))).toBeNull();
  });

  it('refuses a ZIP header whose directory is missing or broken', () => {
    const docx = makeZip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    expect(sniffAttachmentType(docx.subarray(0, docx.length - 22))).toBeNull();
    const broken = Buffer.from(docx);
    broken.writeUInt32LE(0xdeadbeef, broken.length - 22 - 46 - 17); // corrupt the second central header
    expect(sniffAttachmentType(broken)).toBeNull();
    expect(sniffAttachmentType(Buffer.concat([Buffer.from('PK\x03\x04'), deflateRawSync(Buffer.from('x'))]))).toBeNull();
  });

  it('cleans file names: no path, no control characters, NFC', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\a\\Hồ sơ.pdf')).toBe('Hồ sơ.pdf');
    expect(cleanFileName('a\u0000b"c.pdf')).toBe('abc.pdf');
    expect(cleanFileName('Ho\u0302\u0300 so\u031b.pdf')).toBe('Hồ sơ.pdf'.normalize('NFC'));
    expect(cleanFileName('')).toBe('attachment');
  });
});
