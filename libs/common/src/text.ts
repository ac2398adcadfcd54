/** Vietnamese text is stored in NFC so that the same word always has the same bytes. */
export function nfc(value: string): string;
export function nfc(value: string | null | undefined): string | null | undefined;
export function nfc(value: string | null | undefined): string | null | undefined {
  return typeof value === 'string' ? value.normalize('NFC').trim() : value;
}
