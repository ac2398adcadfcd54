import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-hasher';

export class LoginDto {
  @ApiProperty({ example: 'officer@haiphong.gov.vn' })
  @IsEmail({})
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class RefreshDto {
  /** Omitted by the portal, whose refresh token travels in the HttpOnly session cookie instead. */
  @ApiProperty({
    required: false,
    description: 'The refresh token; the portal omits it and sends the session cookie with the X-Portal-Session: 1 header',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The token from the e-mail’s link (a new account’s, or an invitation to join a firm)' })
  @IsString()
  @MaxLength(200)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password: string;
}

export class TokenPair {
  accessToken: string;
  /** Absent when the caller asked for the HttpOnly session cookie (X-Portal-Session: 1). */
  refreshToken?: string;
  expiresIn: number;
  user: { id: string; email: string; fullName: string; role: string; organizationId: string | null };
}
