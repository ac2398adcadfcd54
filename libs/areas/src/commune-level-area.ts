import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';
import { db } from '@app/database';

/** Head offices and problem locations sit in a commune-level unit, never in the city as a whole. */
export const COMMUNE_LEVEL_UNIT_TYPES = ['ward', 'commune', 'special_zone'] as const;

/**
 * Checks a body field naming an area: it must be a ward, commune or special zone the reference
 * data knows (400 AREA_CODE_INVALID otherwise, with the field and the problem). Returns its name.
 */
export async function assertCommuneLevelArea(manager: EntityManager, areaCode: string, field = 'areaCode'): Promise<string> {
  const area = await db(manager)
    .selectFrom('areas')
    .select(['name', 'unit_type'])
    .where('code', '=', areaCode)
    .executeTakeFirst();
  if (!area) {
    throw new AppError(ErrorCode.AREA_CODE_INVALID, { areaCode }, { field, areaCode, problem: 'unknown' });
  }
  if (!(COMMUNE_LEVEL_UNIT_TYPES as readonly string[]).includes(area.unit_type)) {
    throw new AppError(
      ErrorCode.AREA_CODE_INVALID,
      { context: 'notCommuneLevel', name: area.name, areaCode },
      {
        field,
        areaCode,
        problem: 'not_commune_level',
      },
    );
  }
  return area.name;
}
