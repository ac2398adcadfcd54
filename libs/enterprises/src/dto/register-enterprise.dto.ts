import { IsCalendarDate } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsEmail, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@app/identity';
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
  toNfc,
  TagsRules,
  WebsiteRules,
} from './enterprise-fields';

export class RegisterEnterpriseProfileDto {
  @ApiProperty({ example: 'Công ty TNHH Công nghệ Số Hải Phòng' })
  @LegalNameRules()
  legalName: string;

  @ApiPropertyOptional({ example: 'HP Digital' })
  @IsOptional()
  @ShortNameRules()
  shortName?: string;

  @ApiProperty({ example: '0200519875', description: '10 digits, or NNNNNNNNNN-NNN for a branch; spaces and dots are ignored' })
  @IsString()
  @MaxLength(40)
  taxCode: string;

  @ApiPropertyOptional({ type: String, format: 'date', example: '2015-06-01' })
  @IsOptional()
  @IsCalendarDate()
  foundedOn?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2019-03-01',
    description:
      'When digital-technology activity began, if later than foundedOn (give activityStartEvidence); the firm counts from here',
  })
  @IsOptional()
  @IsCalendarDate()
  activityStartedOn?: string;

  @ApiPropertyOptional({ example: 'Giấy chứng nhận đăng ký doanh nghiệp thay đổi lần 3, bổ sung ngành 6201' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  activityStartEvidence?: string;

  @ApiProperty({ example: 'Số 1 Lạch Tray, Hải Phòng' })
  @AddressRules()
  address: string;

  @ApiProperty({
    example: '11560',
    description: 'Code of the commune-level unit (ward, commune, special zone) of the head office',
  })
  @AreaCodeRules()
  areaCode: string;

  @ApiProperty(SECTORS_API)
  @SectorsRules()
  sectors: Sector[];

  @ApiPropertyOptional({ type: [String], example: ['IoT', 'thanh toán'], description: 'Capability tags; defaults to none' })
  @IsOptional()
  @TagsRules()
  tags?: string[];

  @ApiPropertyOptional(HEADCOUNT_API)
  @IsOptional()
  @HeadcountBandRules()
  headcountBand?: HeadcountBand;

  @ApiPropertyOptional({ example: 'https://hpdigital.vn' })
  @IsOptional()
  @WebsiteRules()
  website?: string;

  @ApiPropertyOptional({ example: '+84 225 3123 456' })
  @IsOptional()
  @PhoneRules()
  phone?: string;

  @ApiPropertyOptional({ example: 'contact@hpdigital.vn' })
  @IsOptional()
  @ContactEmailRules()
  contactEmail?: string;

  @ApiPropertyOptional({ type: () => [EnterpriseProductDto] })
  @IsOptional()
  @ProductsRules()
  products?: EnterpriseProductDto[];
}

/** A firm registers itself together with its first member, who becomes its owner. */
export class RegisterEnterpriseDto {
  @ApiProperty({ example: 'giamdoc@hpdigital.vn' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({})
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ example: 'Nguyễn Văn An' })
  @toNfc()
  @IsString()
  @Length(1, 200)
  fullName: string;

  @ApiProperty({ type: () => RegisterEnterpriseProfileDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RegisterEnterpriseProfileDto)
  enterprise: RegisterEnterpriseProfileDto;
}

export class ConfirmRegistrationDto {
  @ApiProperty({ description: 'The token from the registration e-mail’s link' })
  @IsString()
  @MaxLength(200)
  token: string;
}
