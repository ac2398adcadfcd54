import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const pageClasses = new Map<Class, Class>();

/** The documented class of a page of `item`s (`<Item>Page`), for response schemas. */
export function PageOf<T>(item: Class<T>): Class<Page<T>> {
  const known = pageClasses.get(item);
  if (known) return known as Class<Page<T>>;
  class ItemPage implements Page<T> {
    items: T[];
    nextCursor: string | null;
  }
  ApiProperty({ type: [item] })(ItemPage.prototype, 'items');
  ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })(
    ItemPage.prototype,
    'nextCursor',
  );
  Object.defineProperty(ItemPage, 'name', { value: `${item.name}Page` });
  pageClasses.set(item, ItemPage);
  return ItemPage;
}

export const DEFAULT_PAGE_SIZE = 20;

/**
 * Cursors are opaque to clients: base64url of the sort key of the last row served, followed by a
 * short MAC. Only cursors this server made are accepted, so a hand-made one with the right keys
 * but values of the wrong type (which the database would refuse) is a 400 INVALID_CURSOR, never a
 * 500. The MAC is keyed from JWT_SECRET: cursors are not secrets, only tamper-evident.
 */
const CURSOR_MAC_BYTES = 12;

/** The MAC key as a key object, made once per JWT_SECRET (a string key is re-imported on every call). */
let macKey: { secret: string | undefined; key: KeyObject } | undefined;

function cursorMac(payload: string): Buffer {
  const secret = process.env.JWT_SECRET;
  if (!macKey || macKey.secret !== secret)
    macKey = { secret, key: createSecretKey(Buffer.from(`cursor:${secret ?? ''}`, 'utf8')) };
  return createHmac('sha256', macKey.key).update(payload).digest().subarray(0, CURSOR_MAC_BYTES);
}

export function encodeCursor(key: Record<string, string | number>): string {
  const payload = Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
  return `${payload}.${cursorMac(payload).toString('base64url')}`;
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined, keys: (keyof T)[]): T | null {
  if (!cursor) return null;
  const [payload, mac, extra] = cursor.split('.');
  if (payload && mac && extra === undefined) {
    // Compared as text: base64url decoding would ignore trailing characters.
    const given = Buffer.from(mac, 'utf8');
    const expected = Buffer.from(cursorMac(payload).toString('base64url'), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      try {
        const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
        if (value && typeof value === 'object' && keys.every((k) => k in value)) return value;
      } catch {
        // fall through to the error below
      }
    }
  }
  throw new AppError(ErrorCode.INVALID_CURSOR);
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only says whether there is more.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => Record<string, string | number>,
  map: (row: R) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}
