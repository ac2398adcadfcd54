import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@app/identity';
import { toNfc } from './enterprise-fields';

/** A colleague the owner invites; they choose their password from the link in their e-mail. */
export class AddEnterpriseMemberDto {
  @ApiProperty({ example: 'ketoan@hpdigital.vn' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({})
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Trần Thị Bình' })
  @toNfc()
  @IsString()
  @Length(1, 200)
  fullName: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token from the invitation e-mail’s link' })
  @IsString()
  @MaxLength(200)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password: string;
}
