import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsUUID } from 'class-validator';

export class OcdsReleasesQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  problemId!: string;
}

export class OcdsPackagesQueryDto {
  @ApiProperty({ description: 'ISO 8601 date or date-time (inclusive)', example: '2026-01-01' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ description: 'ISO 8601 date or date-time (exclusive)', example: '2026-02-01' })
  @IsISO8601({ strict: true })
  to!: string;
}
