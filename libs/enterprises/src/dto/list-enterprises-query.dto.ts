import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { nfc, PageQueryDto } from '@app/common';
import { ENTERPRISE_STATUSES, EnterpriseStatus, Sector, SECTORS } from '../enterprise.constants';

export class ListEnterprisesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'Words to find in names, tags and products, in any order, each whole or the start of a word; accents and case are ignored; results ranked by relevance',
    example: 'dien tu hai phong',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? nfc(value) : value))
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: Sector;

  @ApiPropertyOptional({ example: '11560' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,10}$/, { message: 'validation.areaCode' })
  areaCode?: string;

  @ApiPropertyOptional({
    enum: ENTERPRISE_STATUSES,
    default: 'verified',
    description: 'Admins only, for any status other than verified',
  })
  @IsOptional()
  @IsIn(ENTERPRISE_STATUSES)
  status?: EnterpriseStatus;
}
