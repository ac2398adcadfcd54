import { taxCodeCheckDigit, validateTaxCode } from './tax-code';

describe('validateTaxCode', () => {
  it.each([
    ['0100109106', '0100109106'], // Viettel Group, publicly listed
    ['0200519875', '0200519875'],
    ['0100 109 106', '0100109106'],
    ['0100.109.106', '0100109106'],
    ['0100109106-001', '0100109106-001'],
    [' 0100109106 - 001 ', '0100109106-001'],
  ])('accepts %p as %p', (input, normalized) => {
    expect(validateTaxCode(input)).toMatchObject({ valid: true, normalized });
  });

  it('recognises a branch', () => {
    expect(validateTaxCode('0100109106-012')).toMatchObject({ valid: true, isBranch: true });
    expect(validateTaxCode('0100109106')).toMatchObject({ valid: true, isBranch: false });
  });

  it.each([
    ['0100109107', 'check_digit'],
    ['0100109105', 'check_digit'],
    ['010010910', 'format'],
    ['01001091066', 'format'],
    ['0100109106-01', 'format'],
    ['0100109106001', 'format'],
    ['01001O9106', 'format'],
    ['', 'format'],
    ['0100109106-000', 'branch'],
  ])('refuses %p (%s)', (input, problem) => {
    expect(validateTaxCode(input)).toEqual({ valid: false, problem });
  });

  it('refuses an all-zero serial even when its check digit works out', () => {
    const check = taxCodeCheckDigit('310000000');
    expect(check).not.toBeNull();
    expect(validateTaxCode(`310000000${check}`)).toEqual({ valid: false, problem: 'serial' });
  });

  it('computes the check digit from the weighted sum', () => {
    expect(taxCodeCheckDigit('010010910')).toBe(6); // S = 114, 114 mod 11 = 4 → 6
    expect(taxCodeCheckDigit('020000010')).toBe(2); // S = 63, 63 mod 11 = 8 → 2
  });

  it('has no valid code where S mod 11 is 0', () => {
    const firstNine = '100001000'; // S = 31 + 13 = 44, 44 mod 11 = 0
    expect(taxCodeCheckDigit(firstNine)).toBeNull();
    for (let d = 0; d <= 9; d++) expect(validateTaxCode(`${firstNine}${d}`)).toEqual({ valid: false, problem: 'check_digit' });
  });
});
