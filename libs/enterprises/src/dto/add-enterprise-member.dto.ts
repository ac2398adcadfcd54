import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
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
