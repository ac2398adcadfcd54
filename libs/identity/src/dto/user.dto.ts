import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, MinLength } from 'class-validator';
import { Language, LANGUAGES, PageQueryDto, UnlessOmitted } from '@app/common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-hasher';

/** Roles an admin may give through /users; enterprise members register their firm instead. */
export const STAFF_ROLES = ['admin', 'officer', 'evaluator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserDto {
  @ApiProperty()
  @Transform(trim)
  @IsEmail({})
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn([...STAFF_ROLES])
  role: StaffRole;

  @ApiPropertyOptional({ description: 'Required for officers' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ description: 'When absent, the account-created e-mail carries a set-password link' })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @UnlessOmitted()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName?: string;

  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @UnlessOmitted()
  @IsIn([...STAFF_ROLES])
  role?: StaffRole;

  @ApiPropertyOptional({
    description: 'Department for an officer or evaluator; null to clear (not for officers)',
    nullable: true,
  })
  @IsOptional()
  @IsUUID()
  departmentId?: string | null;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['admin', 'officer', 'evaluator', 'enterprise'] })
  @IsOptional()
  @IsIn(['admin', 'officer', 'evaluator', 'enterprise'])
  role?: string;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ description: 'Part of the e-mail or name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class CreateDepartmentDto {
  @ApiProperty({ example: 'Sở Khoa học và Công nghệ' })
  @IsString()
  @MinLength(2)
  @MaxLength(300)
  name: string;

  @ApiPropertyOptional({ example: 'SKHCN' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  code?: string;
}

export class UpdateDepartmentDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional()
  @UnlessOmitted()
  @IsString()
  @Length(1, 40)
  code?: string;
}

/** What a signed-in user may change about themselves. */
export class UpdateMeDto {
  @ApiPropertyOptional({ enum: LANGUAGES, description: 'Language of notifications and e-mails (vi: Vietnamese, en: English)' })
  @IsOptional()
  @IsIn([...LANGUAGES])
  language?: Language;
}
