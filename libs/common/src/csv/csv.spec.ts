import { csvField, parseCsv, parseCsvRecords, toCsv, UTF8_BOM } from './csv';

describe('csv', () => {
  it('quotes only what needs quoting, doubling quotes', () => {
    expect(csvField('Phường Hồng Bàng')).toBe('Phường Hồng Bàng');
    expect(csvField('NQ 202/2025/QH15, as reported')).toBe('"NQ 202/2025/QH15, as reported"');
    expect(csvField('the "official" figure')).toBe('"the ""official"" figure"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0.2144)).toBe('0.2144');
  });

  it('neutralises text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-3)).toBe('-3');
  });

  it('writes a header and CRLF-ended rows that parse back to the same fields', () => {
    const rows = [
      ['31', 'Thành phố Hải Phòng', 'NQ 202/2025/QH15, "as reported"', 4664124],
      ['11311', 'Phường Hồng Bàng', null, 0],
    ];
    const text = toCsv(['code', 'name', 'source', 'n'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe('code,name,source,n');
    expect(parseCsv(UTF8_BOM + text)).toEqual([
      ['code', 'name', 'source', 'n'],
      ['31', 'Thành phố Hải Phòng', 'NQ 202/2025/QH15, "as reported"', '4664124'],
      ['11311', 'Phường Hồng Bàng', '', '0'],
    ]);
  });

  it('reads LF files, a last line without a line end, and quoted line breaks', () => {
    expect(parseCsv('a,b\n1,"x\ny"\n2,3')).toEqual([
      ['a', 'b'],
      ['1', 'x\ny'],
      ['2', '3'],
    ]);
    expect(parseCsvRecords('a,b\n1,2\n')).toEqual([{ a: '1', b: '2' }]);
  });

  it('refuses malformed input rather than guessing', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/quoted/);
    expect(() => parseCsvRecords('a,b\n1,2,3\n')).toThrow(/row 2/);
  });
});
