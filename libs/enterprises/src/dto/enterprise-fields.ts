import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { nfc } from '@app/common';
import { HEADCOUNT_BANDS, SECTORS } from '../enterprise.constants';

/*
 * Field rules shared by registration and profile edits, so both validate a field the same way.
 * Text is NFC-normalised and trimmed before it is validated, so lengths count what is stored.
 */

export const toNfc = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? nfc(value) : value));
const toNfcEach = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? nfc(v) : v)) : value,
  );

export { UnlessOmitted } from '@app/common';

export class EnterpriseProductDto {
  @ApiProperty({ example: 'Cổng thanh toán điện tử' })
  @toNfc()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional()
  @ValidateIf((_o: object, value: unknown) => value !== undefined)
  @toNfc()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: 'https://example.vn/pay' })
  @ValidateIf((_o: object, value: unknown) => value !== undefined)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  url?: string;
}

export const LegalNameRules = () => applyDecorators(toNfc(), IsString(), Length(2, 300));
export const ShortNameRules = () => applyDecorators(toNfc(), IsString(), Length(1, 100));
export const AddressRules = () => applyDecorators(toNfc(), IsString(), Length(5, 500));
export const AreaCodeRules = () => applyDecorators(IsString(), Matches(/^\d{1,10}$/, { message: 'validation.areaCode' }));
export const SectorsRules = () => applyDecorators(IsArray(), ArrayMinSize(1), ArrayUnique(), IsIn(SECTORS, { each: true }));
export const TagsRules = () =>
  applyDecorators(
    toNfcEach(),
    IsArray(),
    ArrayMaxSize(30),
    ArrayUnique(),
    IsString({ each: true }),
    Length(1, 50, { each: true }),
  );
export const HeadcountBandRules = () => IsIn(HEADCOUNT_BANDS);
export const WebsiteRules = () =>
  applyDecorators(IsUrl({ protocols: ['http', 'https'], require_protocol: true }), MaxLength(300));
export const PhoneRules = () => Matches(/^\+?\d[\d .()-]{5,24}$/, { message: 'validation.phone' });
export const ContactEmailRules = () => applyDecorators(IsEmail({}), MaxLength(254));
export const ProductsRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(50),
    ValidateNested({ each: true }),
    Type(() => EnterpriseProductDto),
  );

export const SECTORS_API = { enum: SECTORS, isArray: true, example: ['ict', 'smart_tourism'] } as const;
export const HEADCOUNT_API = { enum: HEADCOUNT_BANDS } as const;
