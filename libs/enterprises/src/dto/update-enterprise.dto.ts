import { IsCalendarDate } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { HeadcountBand, Sector } from '../enterprise.constants';
import {
  AddressRules,
  AreaCodeRules,
  ContactEmailRules,
  EnterpriseProductDto,
  HEADCOUNT_API,
  HeadcountBandRules,
  LegalNameRules,
  PhoneRules,
  ProductsRules,
  SECTORS_API,
  SectorsRules,
  ShortNameRules,
  TagsRules,
  UnlessOmitted,
  WebsiteRules,
} from './enterprise-fields';

/**
 * A profile edit: only the fields sent change. Optional details may be cleared with null; the tax
 * code is the firm's identity and is not editable (an unknown field, so it is refused).
 */
export class UpdateEnterpriseDto {
  @ApiPropertyOptional()
  @UnlessOmitted()
  @LegalNameRules()
  legalName?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ShortNameRules()
  shortName?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2015-06-01' })
  @IsOptional()
  @IsCalendarDate()
  foundedOn?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    example: '2019-03-01',
    description: 'Start of digital-technology activity, if later than foundedOn',
  })
  @IsOptional()
  @IsCalendarDate()
  activityStartedOn?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Evidence for a stated activity start' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  activityStartEvidence?: string | null;

  @ApiPropertyOptional()
  @UnlessOmitted()
  @AddressRules()
  address?: string;

  @ApiPropertyOptional()
  @UnlessOmitted()
  @AreaCodeRules()
  areaCode?: string;

  @ApiPropertyOptional(SECTORS_API)
  @UnlessOmitted()
  @SectorsRules()
  sectors?: Sector[];

  @ApiPropertyOptional({ type: [String] })
  @UnlessOmitted()
  @TagsRules()
  tags?: string[];

  @ApiPropertyOptional({ ...HEADCOUNT_API, nullable: true })
  @IsOptional()
  @HeadcountBandRules()
  headcountBand?: HeadcountBand | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @WebsiteRules()
  website?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @PhoneRules()
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ContactEmailRules()
  contactEmail?: string | null;

  @ApiPropertyOptional({ type: () => [EnterpriseProductDto] })
  @UnlessOmitted()
  @ProductsRules()
  products?: EnterpriseProductDto[];
}
