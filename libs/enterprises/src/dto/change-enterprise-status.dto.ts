import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsCalendarDate, nfc } from '@app/common';

export class ChangeEnterpriseStatusDto {
  @ApiPropertyOptional({
    example: '2025-07-01',
    description:
      'When the decision took effect (YYYY-MM-DD, Asia/Ho_Chi_Minh). Defaults to today; may not be in the future nor before the firm’s latest recorded change.',
  })
  @IsOptional()
  @IsCalendarDate()
  effectiveDate?: string;

  @ApiPropertyOptional({ description: 'Required to reject, suspend or cease; sent to the firm' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? nfc(value) : value))
  @IsString()
  @Length(1, 2000)
  reason?: string;
}
